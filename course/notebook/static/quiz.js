// Static quizzes: grade a multiple-choice item in the page, no kernel and no network.
// Grading happens only on "Check answer", never on selection, so moving through the
// options with the arrow keys reveals nothing. The verdict (right or not) is said
// here and only here: the banks' feedback gives the reasons (course/content/banks.py).
(function () {
  "use strict";
  // On a book page this script is a file in the site's _static/ folder; in a notebook
  // (JupyterLab, Colab, VS Code) it is the quiz's own inline copy and has no src.
  var script = document.currentScript;
  var siteHere = script && script.src ? new URL("../", script.src).href : null;

  var QUIZ_KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", " ", "Enter"];

  function decode(b64) {
    var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
    return JSON.parse(new TextDecoder("utf-8").decode(bytes));
  }
  // Feedback links point at the published site and open in a new tab, so that a notebook and
  // its answers stay put. On the book's own pages they lead to the page within the site being
  // read (a local build, an edition), in the same tab.
  function localise(out, published) {
    if (!siteHere || !published) { return; }
    out.querySelectorAll("a[target='_blank']").forEach(function (a) {
      var href = a.getAttribute("href");
      if (href.indexOf(published) !== 0) { return; }
      a.setAttribute("href", new URL(href.slice(published.length), siteHere).href);
      a.removeAttribute("target");
      a.removeAttribute("rel");
      a.querySelectorAll(".course-quiz-newtab").forEach(function (s) { s.remove(); });
    });
  }
  function setup(quiz) {
    // A quiz's own inline copy of this script (see course/notebook/widget.py) may run after the page's.
    if (quiz.classList.contains("is-ready")) { return; }
    var options = decode(quiz.getAttribute("data-quiz"));
    var button = quiz.querySelector(".course-quiz-check");
    var out = quiz.querySelector(".course-quiz-feedback");
    // Radio groups are document-wide, and JupyterLab shows every open notebook in one document:
    // give each quiz shown its own group.
    var root = document.documentElement;
    var shown = Number(root.getAttribute("data-course-quizzes") || 0) + 1;
    root.setAttribute("data-course-quizzes", String(shown));
    quiz.querySelectorAll("input[type=radio]").forEach(function (input) {
      input.name = quiz.id + "-" + shown;
    });
    // The keys a quiz uses are the quiz's: in JupyterLab they would otherwise also reach the
    // notebook's shortcuts (handled as they bubble to the document), and an arrow key would
    // move to another cell instead of to the next option.
    quiz.addEventListener("keydown", function (event) {
      if (QUIZ_KEYS.indexOf(event.key) >= 0 && !(event.ctrlKey || event.metaKey || event.altKey || event.shiftKey)) {
        event.stopPropagation();
      }
    });
    button.addEventListener("click", function () {
      var chosen = quiz.querySelector("input[type=radio]:checked");
      quiz.querySelectorAll(".course-quiz-option").forEach(function (l) {
        l.classList.remove("is-correct", "is-wrong");
      });
      if (!chosen) {
        out.className = "course-quiz-feedback";
        out.innerHTML = "<p>Choose an option first.</p>";
        return;
      }
      var opt = options[Number(chosen.value)];
      chosen.closest(".course-quiz-option").classList.add(opt.correct ? "is-correct" : "is-wrong");
      out.className = "course-quiz-feedback " + (opt.correct ? "is-correct" : "is-wrong");
      out.innerHTML = "<p><strong>" + (opt.correct ? "Correct." : "Not quite. Try again.") +
        "</strong> " + opt.feedback + "</p>";
      localise(out, quiz.getAttribute("data-site"));
    });
    quiz.classList.add("is-ready");
  }
  function init() { document.querySelectorAll(".course-quiz[data-quiz]").forEach(setup); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
