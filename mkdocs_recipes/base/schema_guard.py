"""Third-party JSON Schemas (a chart's values.schema.json, a cluster's CRDs), validated
without fetching, hanging or crashing.

Left to itself, jsonschema follows a `$ref` to any URL (the network, `file://`), runs
`pattern`s with Python's backtracking `re`, compares `uniqueItems` pairwise, and recurses
through `$ref: '#'` until Python stops it. A schema is data from whoever publishes the
chart, so here:

- a `$ref` is followed only inside the document (its JSON pointers and the `$id`s it
  declares) and to the JSON Schema metaschemas jsonschema carries; any other is not
  followed, and what it describes is not checked (said in `unchecked`); the registry
  the validator gets refuses every retrieval, so nothing can reach the network or a file;
- patterns (`pattern`, `patternProperties`, and the `additionalProperties` they decide)
  run in RE2, whose time is linear in the text. It is also the engine Helm and the
  Kubernetes API server judge these patterns with (Go's regexp): a pattern RE2 cannot
  compile (look-around, backreferences) is not applied;
- `uniqueItems` is judged on at most `MAX_UNIQUE_ITEMS` items, and one validation
  evaluates at most `MAX_STEPS` keywords (`$ref` and `anyOf` chains can stand for an
  exponential amount of work);
- a schema that is not one (`type: 5`, a `$ref` to a pointer that is not there) is not
  applied, with the reason.
"""

from __future__ import annotations

import contextvars
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

if TYPE_CHECKING:
    import jsonschema

#: Keyword evaluations one validation may make (a values file of 5,000 keys against a
#: large schema takes some tens of thousands).
MAX_STEPS = 300_000
#: `uniqueItems` compares items pairwise when they are mappings: at most this many.
MAX_UNIQUE_ITEMS = 1_000
#: Schema nodes read when a schema is prepared (the HelmRelease CRD has ~20,000).
MAX_SCHEMA_NODES = 500_000
#: Nesting a schema may have.
MAX_SCHEMA_DEPTH = 200

_REFERENCE_KEYS = ("$ref", "$dynamicRef", "$recursiveRef")


class _OverBudget(Exception):
    pass


@dataclass
class _Run:
    steps: int = MAX_STEPS
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


_RUN: contextvars.ContextVar[_Run] = contextvars.ContextVar("schema_guard_run")


@dataclass
class Outcome:
    """What validating one instance found, and what could not be checked (and why)."""

    errors: list[jsonschema.ValidationError]
    unchecked: list[str]


class GuardedSchema:
    """A schema prepared once and applied to any number of instances."""

    def __init__(self, schema: Any, default_draft: type | None = None) -> None:
        self.unchecked: list[str] = []
        self._validator: Any = None
        try:
            self._validator = _validator(schema, default_draft, self.unchecked)
        except Exception as error:  # third-party data: whatever it is, it is not applied
            self.unchecked.append(f"the schema is not usable ({_reason(error)})")

    def validate(self, instance: Any) -> Outcome:
        """The errors of `instance`, in jsonschema's order, within the budget."""
        run = _Run()
        found: list[jsonschema.ValidationError] = []
        if self._validator is not None:
            token = _RUN.set(run)
            try:
                for error in self._validator.iter_errors(instance):
                    found.append(error)
            except _OverBudget:
                run.note(f"validation stopped after {MAX_STEPS:,} steps")
            except RecursionError:
                run.note("the schema refers to itself without end")
            except Exception as error:
                run.note(f"the schema is not usable ({_reason(error)})")
            finally:
                _RUN.reset(token)
        return Outcome(found, [*self.unchecked, *run.notes])


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]


def _validator(schema: Any, default_draft: type | None, unchecked: list[str]) -> Any:
    import jsonschema

    if not isinstance(schema, (dict, bool)):
        raise ValueError(f"a schema is a mapping, not {type(schema).__name__}")
    default = default_draft or jsonschema.Draft7Validator
    with warnings.catch_warnings():
        # An unknown `$schema` falls back to the default draft (jsonschema warns).
        warnings.simplefilter("ignore")
        base = jsonschema.validators.validator_for(schema, default=default)
    overrides = base in (
        jsonschema.Draft3Validator,
        jsonschema.Draft4Validator,
        jsonschema.Draft6Validator,
        jsonschema.Draft7Validator,
    )
    prepared, has_patterns = _prepare(schema, overrides, unchecked)
    return _guarded(base, has_patterns)(prepared, registry=_registry())


def _prepare(schema: Any, ref_overrides: bool, unchecked: list[str]) -> tuple[Any, bool]:
    """A copy of `schema` without the references that lead out of it, and whether it has
    `patternProperties` anywhere."""
    ids = _declared_ids(schema)
    root_id = schema.get("$id") or schema.get("id") if isinstance(schema, dict) else None
    base = root_id if isinstance(root_id, str) else ""
    known = _metaschema_uris()
    left = [MAX_SCHEMA_NODES]
    patterns = [False]

    def external(reference: str) -> bool:
        if reference.startswith("#"):
            return False
        target = urldefrag(urljoin(base, reference)).url
        document = urldefrag(reference).url
        return not ({target, document, target.rstrip("#")} & (ids | known))

    def copy(node: Any, depth: int) -> Any:
        left[0] -= 1
        if left[0] < 0 or depth > MAX_SCHEMA_DEPTH:
            raise ValueError("the schema is too large or too deeply nested to apply")
        if isinstance(node, list):
            return [copy(item, depth + 1) for item in node]
        if not isinstance(node, dict):
            return node
        outside = [
            key for key in _REFERENCE_KEYS if isinstance(node.get(key), str) and external(node[key])
        ]
        for key in outside:
            unchecked.append(
                f"`{key}: {node[key][:120]}` is another document: not fetched, so what it "
                "describes is not checked"
            )
        if outside and ref_overrides:
            return {}
        if "patternProperties" in node:
            patterns[0] = True
        return {key: copy(value, depth + 1) for key, value in node.items() if key not in outside}

    return copy(schema, 0), patterns[0]


def _declared_ids(schema: Any) -> set[str]:
    """Every `$id` (`id` in draft 4) the document declares, as written and made absolute."""
    found: set[str] = set()
    stack: list[tuple[Any, int]] = [(schema, 0)]
    seen = 0
    while stack and seen < MAX_SCHEMA_NODES:
        node, depth = stack.pop()
        seen += 1
        if depth > MAX_SCHEMA_DEPTH:
            continue
        if isinstance(node, dict):
            for key in ("$id", "id"):
                value = node.get(key)
                if isinstance(value, str):
                    found.add(urldefrag(value).url)
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
    root = schema.get("$id") if isinstance(schema, dict) else None
    if isinstance(root, str):
        found |= {urldefrag(urljoin(root, each)).url for each in found}
    found.discard("")
    return found


@lru_cache(maxsize=1)
def _metaschema_uris() -> frozenset[str]:
    from jsonschema_specifications import REGISTRY

    return frozenset(uri.rstrip("#") for uri in REGISTRY)


@lru_cache(maxsize=1)
def _registry() -> Any:
    """The metaschemas jsonschema carries, and nothing else: every other retrieval is
    refused (jsonschema's own default would fetch it)."""
    from jsonschema_specifications import REGISTRY
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]

    return REGISTRY.combine(Registry(retrieve=refuse))  # type: ignore[call-arg]


_Keyword = Callable[[Any, Any, Any, Any], Any]


@lru_cache(maxsize=16)
def _guarded(base: Any, has_patterns: bool) -> Any:
    """`base` (a jsonschema validator class) with the keywords above, every keyword
    counted against the budget."""
    import jsonschema

    original = base.VALIDATORS
    own: dict[str, _Keyword] = {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "uniqueItems": _bounded_unique(original["uniqueItems"]),
        "additionalProperties": _additional(original["additionalProperties"]),
    }
    if "unevaluatedProperties" in original and has_patterns:
        own["unevaluatedProperties"] = _unevaluated_with_patterns
    keywords = {**original, **own}
    counted = {name: _counted(function) for name, function in keywords.items()}
    return jsonschema.validators.extend(base, counted)


def _counted(function: _Keyword) -> _Keyword:
    def keyword(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        run = _RUN.get()
        run.steps -= 1
        if run.steps < 0:
            raise _OverBudget
        return function(validator, value, instance, schema)

    return keyword


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    """`pattern` in RE2, or None when RE2 cannot run it."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print each refusal on stderr
    try:
        return re2.compile(pattern, options)
    except Exception:
        return None


def _matcher(pattern: Any) -> Any:
    compiled = _compiled(pattern) if isinstance(pattern, str) and len(pattern) <= 4096 else None
    if compiled is None:
        _RUN.get().note(f"the pattern {str(pattern)[:80]!r} is not one RE2 (Go's regexp) runs")
    return compiled


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[Any]:
    import jsonschema

    if not validator.is_type(instance, "string"):
        return
    compiled = _matcher(pattern)
    if compiled is not None and not compiled.search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object") or not isinstance(patterns, dict):
        return
    for pattern, subschema in patterns.items():
        compiled = _matcher(pattern)
        if compiled is None:
            continue
        for key, value in instance.items():
            if compiled.search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional(original: _Keyword) -> _Keyword:
    """jsonschema's `additionalProperties`, with the keys `patternProperties` match found
    by RE2 first (jsonschema joins the patterns and runs them with `re`)."""

    def keyword(validator: Any, allowed: Any, instance: Any, schema: Any) -> Any:
        patterns = schema.get("patternProperties") if isinstance(schema, dict) else None
        if not patterns or not validator.is_type(instance, "object"):
            return original(validator, allowed, instance, schema)
        compiled = [_matcher(pattern) for pattern in patterns]
        rest = {
            key: value
            for key, value in instance.items()
            # A pattern RE2 cannot run matches nothing known: such keys are not judged.
            if not any(c is None or c.search(key) for c in compiled)
        }
        plain = {key: value for key, value in schema.items() if key != "patternProperties"}
        return original(validator, allowed, rest, plain)

    return keyword


def _unevaluated_with_patterns(
    validator: Any, value: Any, instance: Any, schema: Any
) -> Iterator[Any]:
    # jsonschema decides which keys are evaluated by running every `patternProperties`
    # in scope with `re`; in a schema that has them, the keyword is not applied.
    _RUN.get().note("`unevaluatedProperties` beside `patternProperties` is not checked")
    yield from ()


def _bounded_unique(original: _Keyword) -> _Keyword:
    def keyword(validator: Any, unique: Any, instance: Any, schema: Any) -> Any:
        if unique and isinstance(instance, list) and len(instance) > MAX_UNIQUE_ITEMS:
            _RUN.get().note(f"`uniqueItems` over {len(instance):,} items is not checked")
            return ()
        return original(validator, unique, instance, schema)

    return keyword
