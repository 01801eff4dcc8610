"""Assisted coding: split sources into units, learn the study's human codings, suggest codes for
uncoded units and evaluate the suggestions honestly by cross-validation (issue 5).

- `units`: sentence, speaker-turn and paragraph units with code-point offsets, and the rule that
  labels a unit from overlapping human codings.
- `backends`: the models behind suggestions ("tfidf" default, "baseline-svm", "embeddings").
- `evaluate`: grouped k-fold cross-validation with per-code precision, recall and F1.
- `suggest`: training on a study and predicting codes for its uncoded units (pure computation;
  the writes are `coproduce.insight.actions.suggest_codes` and friends).

Only `suggest` reads the database; the evaluator also runs on QDPX files from other tools (read by
`coproduce.insight.exchange.read_qdpx`) without a study.
"""
