"""Property-based: whatever valid front-matter and options, the emitted objects are what
Flux accepts (the real CRDs, unknown fields rejected, chart XOR chartRef) and the emitted
text parses back to exactly the intended data."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_recipes.flux import releases
from mkdocs_recipes.flux.objects import FluxSettings, manifests, uses_oci_repository
from mkdocs_recipes.recipe.model import read_recipe
from support.crds import served_schemas, validate

label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?", fullmatch=True)
host = st.builds(lambda a, b: f"{a}.{b}", label, st.sampled_from(["io", "org", "example"]))
number = st.integers(min_value=0, max_value=40)
constraint = st.one_of(
    st.builds(lambda a, b, c: f"{a}.{b}.{c}", number, number, number),
    st.builds(lambda a, b: f"{a}.{b}.x", number, number),
    st.builds(lambda a, b: f"~{a}.{b}", number, number),
    st.builds(lambda a, b: f">={a}.0.0 <{a + 1 + b}.0.0", number, number),
    st.sampled_from(["*", "^1.2.3", "1.2 - 1.4.5", ">=1.0, <2.0 || >=3.0.0"]),
)
duration = st.from_regex(r"[1-9][0-9]{0,2}(s|m|h)|1h30m|90s", fullmatch=True)
value_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20
)
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), value_text),
    lambda children: (
        st.dictionaries(value_text, children, max_size=4) | st.lists(children, max_size=3)
    ),
    max_leaves=12,
).filter(lambda v: isinstance(v, dict))


@st.composite
def recipes(draw):
    chart = draw(label)
    oci = draw(st.booleans())
    if oci:
        # Registry path segments named like the chart would make `<path>/<chart>` ambiguous.
        path = draw(st.lists(label.filter(lambda s: s != chart), min_size=1, max_size=3))
        with_chart = draw(st.booleans())
        url = f"oci://{draw(host)}/{'/'.join(path)}" + (f"/{chart}" if with_chart else "")
    else:
        url = f"https://{draw(host)}/{'/'.join(draw(st.lists(label, max_size=2)))}"
    meta = {
        "helm_chart_name": chart,
        "helm_chart_version": draw(constraint),
        "helm_chart_repo_url": url,
        "helmrelease_namespace": draw(label),
    }
    for key in ("helmrelease_name", "helm_chart_repo_name", "kustomization_name"):
        if draw(st.booleans()):
            meta[key] = draw(label)
    recipe, findings = read_recipe("---\n" + yaml.safe_dump(meta) + "---\n", "p.md")
    assert findings == [], findings
    return recipe


@st.composite
def flux_settings(draw):
    release = draw(st.sampled_from(releases.RELEASES))
    oci_choices = ["auto", "HelmRepository"]
    if release >= "2.6" and len(release) == 3:
        oci_choices.append("OCIRepository")
    overrides = {
        "flux_version": release,
        "flux_namespace": draw(label),
        "git_repository": draw(label),
        "repository_interval": draw(duration),
        "kustomization_interval": draw(duration),
        "kustomization_timeout": draw(duration),
        "release_interval": draw(duration),
        "release_timeout": draw(st.none() | duration),
        "create_namespace": draw(st.booleans()),
        "remediation_retries": draw(st.integers(min_value=0, max_value=10)),
        "oci_source": draw(st.sampled_from(oci_choices)),
    }
    result, problems = FluxSettings().with_overrides(overrides)
    assert problems == [], problems
    return result


@settings(max_examples=300, deadline=None)
@given(recipes(), flux_settings(), st.none() | values)
def test_every_emitted_object_is_accepted_by_flux(recipe, flux, extra_values) -> None:
    objects = manifests(recipe, flux, extra_values)
    for manifest in objects:
        text = manifest.to_yaml()
        assert yaml.safe_load(text) == manifest.body
        body = manifest.body
        if body["kind"] != "Namespace":
            assert body["apiVersion"] == releases.preferred(body["kind"], flux.flux_version)
        # Older releases use older API versions of the same fields: check the shape against
        # the current CRD of the kind, the oracle we have.
        current = {k: a for (a, k) in served_schemas()}
        if body["kind"] in current:
            body = {**body, "apiVersion": current[body["kind"]]}
        assert validate(body) == [], (manifest.kind, text)
    release = objects[3].body
    assert ("chartRef" in release["spec"]) == uses_oci_repository(recipe, flux)
    if "chartRef" in release["spec"]:
        source = objects[1].body
        assert source["kind"] == "OCIRepository"
        assert source["spec"]["url"].endswith(f"/{recipe.helm_chart_name}")
        assert not source["spec"]["url"].endswith(f"/{recipe.helm_chart_name}" * 2)
    elif recipe.is_oci:
        assert objects[1].body["spec"]["type"] == "oci"
        assert not objects[1].body["spec"]["url"].endswith(f"/{recipe.helm_chart_name}")


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["yes", "on", "1.0", "6.5.x", "a: b", "#x", "*x", "- x", "", "~", "null"]),
    # Names, versions and paths, the strings written without asking PyYAML, mixed with
    # what YAML reads as numbers, booleans, nulls and dates.
    st.text(alphabet="0123456789.-_/:+eExXoObBnNyYtTrRuUfFaAlLsS~", min_size=1, max_size=12),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(min_size=1, max_size=10), children, max_size=4),
    ),
    max_leaves=25,
)


_keys = st.one_of(
    st.text(min_size=1, max_size=10),
    st.text(alphabet="0123456789.-_/:+eExXoObBnNyYtTrRuUfFaAlLsS~", min_size=1, max_size=10),
)


@settings(max_examples=1500, deadline=None)
@given(st.dictionaries(_keys, _values, min_size=1, max_size=5))
def test_the_fast_layout_writes_what_pyyaml_writes(data) -> None:
    from mkdocs_recipes.flux.objects import _dump, to_yaml

    assert to_yaml(data) == _dump(data)
