// Static quizzes: grade a multiple-choice item in the page, no kernel and no network.
// Grading happens only on "Check answer", never on selection, so moving through the
// options with the arrow keys reveals nothing.
(function () {
  "use strict";
  function decode(b64) {
    var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
    return JSON.parse(new TextDecoder("utf-8").decode(bytes));
  }
  function setup(quiz) {
    // A quiz's own inline copy of this script (see course/notebook/widget.py) may run after the page's.
    if (quiz.classList.contains("is-ready")) { return; }
    var options = decode(quiz.getAttribute("data-quiz"));
    var button = quiz.querySelector(".course-quiz-check");
    var out = quiz.querySelector(".course-quiz-feedback");
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
