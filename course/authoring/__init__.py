"""New content for authors: ``course new-chapter`` (``scaffold``) sets up a draft chapter from
a new text, every file rendered from a template in ``templates/`` and written all or nothing.
See ARCHITECTURE.md.
"""
