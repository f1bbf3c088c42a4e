"""End-to-end runs of `maturity framework`, `maturity assess` and `maturity score`."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from conftest import framework_data

from maturity.core.framework import Framework
from maturity.files import catalog

SMALL = "tests/data/frameworks/valid-small.yaml"
SMALL_ASSESSMENT = "tests/data/assessments/valid-small.yaml"
Cli = Callable[..., Result]


# ---------------------------------------------------------------------------------------------
# maturity framework


def test_validate_all_valid(cli: Cli) -> None:
    result = cli("framework", "validate", "frameworks/council-equality-3.yaml", SMALL)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "frameworks/council-equality-3.yaml: valid (council-equality-3 1.1: 3 levels, 4 domains, "
        "15 criteria)",
        f"{SMALL}: valid (small 1.0: 3 levels, 2 domains, 3 criteria)",
    ]


def test_validate_every_builtin_file(cli: Cli) -> None:
    paths = [str(p.relative_to(Path.cwd())) for p in catalog.builtin_paths()]
    result = cli("framework", "validate", *paths)
    assert (result.exit_code, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == len(paths)


def test_validate_some_invalid(cli: Cli) -> None:
    bad = "tests/data/frameworks/wrong-type.yaml"
    result = cli("framework", "validate", SMALL, bad, "tests/data/frameworks/missing.yaml")
    assert result.exit_code == 1
    # The valid file is still reported valid; every problem goes to stderr.
    assert result.stdout == f"{SMALL}: valid (small 1.0: 3 levels, 2 domains, 3 criteria)\n"
    assert result.stderr.splitlines() == [
        f"Error: {bad}:56: domain 'services' > weight: expected a number, found 'double'",
        "Error: tests/data/frameworks/missing.yaml: no such file",
    ]


def test_validate_without_files_is_a_usage_error(cli: Cli) -> None:
    result = cli("framework", "validate")
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.stderr


def test_list(cli: Cli) -> None:
    result = cli("framework", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "VERSION", "LEVELS", "DOMAINS", "CRITERIA", "NAME"]
    assert [line.split()[0] for line in lines[1:]] == catalog.builtin_ids()
    fw = catalog.load_framework("council-equality-3")
    row = lines[1 + catalog.builtin_ids().index("council-equality-3")]
    assert row.split()[:5] == ["council-equality-3", "1.1", "3", "4", "15"]
    assert row.endswith(f"  {fw.name}")


def test_show_outline(cli: Cli) -> None:
    result = cli("framework", "show", SMALL)
    assert result.exit_code == 0
    assert result.stdout == (
        "Small test framework (small 1.0)\n"
        "\n"
        "Levels: Low (1), Mid (2), High (3)\n"
        "Scoring: criteria -> domain: mean; domains -> overall: mean; respondents: median\n"
        "Ratings: Bronze 1-1.99, Silver 2-2.49, Gold 2.5-3\n"
        "Evidence rule: claims of High or above need evidence\n"
        "\n"
        "People [people] (weight 1)\n"
        "  - people.data: Workforce data\n"
        "    metric: Staff who declared their ethnicity, target 90 (higher is better)\n"
        "\n"
        "Services [services] (weight 2)\n"
        "  - services.access: Accessible services\n"
        "  - services.complaints: Complaints\n"
        "    metric: Complaints unresolved after 20 days, target 0 (lower is better)\n"
    )


@pytest.mark.parametrize("ref", ["edi-maturity", "council-equality-3", "edi-maturity@1.0"])
def test_show_builtin_by_id(cli: Cli, ref: str) -> None:
    result = cli("framework", "show", ref)
    assert result.exit_code == 0
    fw = catalog.load_framework(ref)
    assert result.stdout.startswith(f"{fw.name} ({fw.id} {fw.version})\n")
    for ref_id in fw.criteria:
        assert f"  - {ref_id}: " in result.stdout


def test_show_json_is_the_framework(cli: Cli) -> None:
    result = cli("framework", "show", SMALL, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    fw = catalog.load_framework(SMALL)
    assert data == fw.model_dump(mode="json", exclude_none=True)
    assert Framework.model_validate(data) == fw


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            "nope",
            "Error: no framework 'nope': give a file path or a built-in id ({known}); to use "
            "your own, add it to the store with `maturity framework add FILE`\n",
        ),
        (
            "edi-maturity@9",
            "Error: framework 'edi-maturity' version 9 is not available (the built-in one is "
            "version 1.0); add that version to the store with `maturity framework add FILE`\n",
        ),
        (
            "tests/data/frameworks/nope.yaml",
            "Error: tests/data/frameworks/nope.yaml: no such file\n",
        ),
    ],
)
def test_show_what_does_not_exist(cli: Cli, ref: str, message: str) -> None:
    result = cli("framework", "show", ref)
    assert result.exit_code == 1
    assert result.stderr == message.format(known=", ".join(catalog.builtin_ids()))


# A JSON Schema validator for the keywords pydantic emits: enough to show the schema is a
# working schema of the format, without a dependency.
KEYWORDS = {
    "$defs", "$ref", "$schema", "$id", "additionalProperties", "anyOf", "default", "description",
    "enum", "items", "maxItems", "maxLength", "minItems", "minLength", "pattern",
    "patternProperties", "properties", "propertyNames", "required", "title", "type", "examples",
    "format", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "allOf",
    "oneOf", "uniqueItems", "markdownDescription",
}  # fmt: skip
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "number": (int, float),
    "integer": int,
    "boolean": bool,
    "null": type(None),
}


def schema_errors(
    schema: dict[str, Any], value: Any, root: dict[str, Any], at: str = ""
) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return schema_errors(root["$defs"][name], value, root, at)
    if "anyOf" in schema:
        options = [schema_errors(s, value, root, at) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{at}: no anyOf option fits"]
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        ok = isinstance(value, TYPES[kind]) and not (
            kind in {"number", "integer"} and isinstance(value, bool)
        )
        if not ok:
            return [f"{at}: not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: not in enum")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", 1e9):
            errors.append(f"{at}: length")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{at}: pattern")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 1e9):
            errors.append(f"{at}: items")
        for i, item in enumerate(value):
            errors += schema_errors(schema.get("items", {}), item, root, f"{at}/{i}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errors += [f"{at}: missing {k}" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if "propertyNames" in schema:
                errors += schema_errors(schema["propertyNames"], key, root, f"{at}/{key}")
            if key in props:
                errors += schema_errors(props[key], item, root, f"{at}/{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{at}: unknown key {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(schema["additionalProperties"], item, root, f"{at}/{key}")
    return errors


def walk_schema(node: Any, root: dict[str, Any]) -> None:
    """Every keyword is known, every type is a JSON type, every $ref resolves."""
    if isinstance(node, dict):
        for key, value in node.items():
            assert key in KEYWORDS, key
            if key in {"properties", "$defs", "patternProperties"}:
                for sub in value.values():
                    walk_schema(sub, root)
            elif key == "$ref":
                assert value.removeprefix("#/$defs/") in root["$defs"], value
            elif key == "type":
                assert value in TYPES, value
            elif key not in {"enum", "default", "required", "examples", "const"}:
                walk_schema(value, root)
    elif isinstance(node, list):
        for item in node:
            walk_schema(item, root)


def test_schema_is_a_working_json_schema_of_the_format(cli: Cli) -> None:
    result = cli("framework", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    walk_schema(schema, schema)
    assert schema["type"] == "object"
    assert {"id", "version", "levels", "domains"} <= set(schema["required"])
    for path in [SMALL, *map(str, catalog.builtin_paths())]:
        data = yaml.safe_load(Path(path).read_text())
        assert schema_errors(schema, data, schema) == [], path
    bad = yaml.safe_load(Path(SMALL).read_text())
    bad["domains"][0]["wieght"] = 1
    bad["version"] = 1.0
    assert schema_errors(schema, bad, schema) == [
        "/version: not string",
        "/domains/0: unknown key wieght",
    ]


# ---------------------------------------------------------------------------------------------
# maturity assess


def test_assess_new_writes_a_blank_that_checks(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "housing.yaml"
    result = cli(
        "assess", "new", "edi-maturity", "--unit", "City Council / Housing", "--period", "2025/26",
        "-o", out,
    )  # fmt: skip
    fw = catalog.load_framework("edi-maturity")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Wrote {out}: {len(fw.criteria)} criteria to assess against {fw.ref}\n"
    checked = cli("assess", "check", out)
    assert checked.exit_code == 0
    assert checked.stdout.startswith(
        f"{out}: valid; 0% complete ({len(fw.criteria)} not answered: "
    )
    assert "unit: City Council/Housing\n" in out.read_text()


def test_assess_new_refuses_to_overwrite(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "housing.yaml"
    out.write_text("my answers\n")
    args = ["assess", "new", SMALL, "--unit", "Housing", "--period", "2025/26", "-o", out]
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out} already exists; use --force to replace it\n"
    assert out.read_text() == "my answers\n"
    assert cli(*args, "--force").exit_code == 0
    assert out.read_text().startswith("# Self-assessment against Small test framework (small@1.0)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["housing.yaml"]  # no temporary left


@pytest.mark.parametrize(
    ("unit", "period", "message"),
    [
        (
            "Housing",
            "2025/27",
            "--period: period '2025/27' is not a financial year such as 2025/26 (YYYY/YY, the "
            "second year following the first)",
        ),
        (
            "City Council//Housing",
            "2025/26",
            "--unit: unit 'City Council//Housing' is not a path such as 'City Council/Housing' "
            "(no empty parts between /)",
        ),
    ],
)
def test_assess_new_refuses_a_bad_unit_or_period(
    cli: Cli, tmp_path: Path, unit: str, period: str, message: str
) -> None:
    out = tmp_path / "x.yaml"
    result = cli("assess", "new", SMALL, "--unit", unit, "--period", period, "-o", out)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")
    assert not out.exists()


# ---------------------------------------------------------------------------------------------
# maturity score


def score_json(cli: Cli, *args: str) -> Any:
    result = cli("score", "--format", "json", *args)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return json.loads(result.stdout)


def test_score_json_has_what_tools_rely_on(cli: Cli) -> None:
    data = score_json(cli, "--framework", SMALL, SMALL_ASSESSMENT)
    assert data["framework"] == {"id": "small", "version": "1.0"}
    assert (data["unit"], data["period"]) == ("City Council/Housing", "2025/26")
    # people.data: value 62.5 reaches mid (50), 2 points. services.access: claimed high,
    # moderated to mid, 2 points; complaints not applicable. Domains 2 and 2; overall 2: Silver.
    assert {k: data["overall"][k] for k in ("score", "level", "rating")} == {
        "score": 2.0,
        "level": "mid",
        "rating": "Silver",
    }
    assert [
        {k: d[k] for k in ("id", "score", "level", "completeness")} for d in data["domains"]
    ] == [
        {"id": "people", "score": 2.0, "level": "mid", "completeness": 1.0},
        {"id": "services", "score": 2.0, "level": "mid", "completeness": 1.0},
    ]
    assert [{k: c[k] for k in ("id", "claimed", "level", "capped")} for c in data["criteria"]] == [
        {"id": "people.data", "claimed": "mid", "level": "mid", "capped": False},
        {"id": "services.access", "claimed": "high", "level": "mid", "capped": False},
        {
            "id": "services.complaints",
            "claimed": "not_applicable",
            "level": "not_applicable",
            "capped": False,
        },
    ]


def test_score_json_is_a_list_for_several_results(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "libraries.yaml"
    text = Path(SMALL_ASSESSMENT).read_text()
    other.write_text(text.replace("City Council/Housing", "City Council/Libraries"))
    data = score_json(cli, "--framework", SMALL, SMALL_ASSESSMENT, str(other))
    assert [d["unit"] for d in data] == ["City Council/Housing", "City Council/Libraries"]


def test_score_merges_respondents_of_one_unit(cli: Cli, tmp_path: Path) -> None:
    text = Path(SMALL_ASSESSMENT).read_text()
    second = tmp_path / "second.yaml"
    # A second respondent claims `low` for services.access, without a moderation.
    second.write_text(
        text.replace(
            "  services.access:\n    level: high\n", "  services.access:\n    level: low\n"
        )
        .replace("    moderated:\n      level: mid\n      by: Kal Sandhu\n", "")
        .replace("      rationale: The panel met once; not yet designed in.\n", "")
    )
    data = score_json(cli, "--framework", SMALL, SMALL_ASSESSMENT, str(second))
    # One result for the two respondents (2 + 2 people); the moderation still applies.
    assert data["respondents"] == 4
    access = next(c for c in data["criteria"] if c["id"] == "services.access")
    assert (access["level"], access["spread"]) == ("mid", 2)


def test_score_csv_parses(cli: Cli) -> None:
    result = cli("score", "--format", "csv", "--framework", SMALL, SMALL_ASSESSMENT)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["scope"], r["id"]) for r in rows] == [
        ("overall", ""),
        ("domain", "people"),
        ("domain", "services"),
        ("criterion", "people.data"),
        ("criterion", "services.access"),
        ("criterion", "services.complaints"),
    ]
    assert {r["unit"] for r in rows} == {"City Council/Housing"}
    assert (rows[0]["score"], rows[0]["level"], rows[0]["rating"]) == ("2.0", "mid", "Silver")


def test_score_csv_neutralises_formulas_in_units(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        Path(SMALL_ASSESSMENT).read_text().replace("unit: City Council/Housing", "unit: '=1+2/x'")
    )
    result = cli("score", "--format", "csv", "--framework", SMALL, str(path))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["unit"] for r in rows} == {"'=1+2/x"}


def test_score_table(cli: Cli) -> None:
    result = cli("score", "--framework", SMALL, SMALL_ASSESSMENT)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "City Council/Housing",
        "2025/26  small 1.0  respondents: 2  complete: 100%",
        "Overall: 2.00 mid  rating: Silver",
    ]
    assert "services.access" in result.stdout


def long_framework(tmp_path: Path) -> tuple[Path, Path]:
    """A framework and assessment with every id as long as the format allows."""
    data = framework_data(
        domains=((1, 1), (1,)), evidence_required_from="l2", bands=[("Band " * 12, 1, 3)]
    )
    long = {f"l{i}": f"l{i}-" + "x" * 60 for i in (1, 2, 3)}
    text = yaml.safe_dump(data, sort_keys=False)
    for short, full in long.items():
        text = re.sub(rf"\b{short}\b", full, text)
    text = text.replace("id: tiny", "id: " + "f" * 64).replace("id: d1", "id: " + "d" * 64)
    text = text.replace("id: c1", "id: " + "c" * 64).replace(
        "version: '1.0'", "version: '" + "9" * 32 + "'"
    )
    fw_path = tmp_path / "long.yaml"
    fw_path.write_text(text)
    fw = catalog.load_framework(str(fw_path))
    refs = list(fw.criteria)
    a_path = tmp_path / "a.yaml"
    a_path.write_text(
        yaml.safe_dump(
            {
                "framework": fw.id,
                "unit": "/".join(["A very long part of the council's structure"] * 4),
                "period": "2025/26",
                "responses": {
                    refs[0]: {"level": long["l3"]},  # capped: no evidence
                    refs[1]: {
                        "level": long["l3"],
                        "moderated": {"level": long["l1"], "by": "K", "rationale": "R"},
                    },
                },
            }
        )
    )
    return fw_path, a_path


def test_score_table_fits_80_columns(cli: Cli, tmp_path: Path) -> None:
    fw_path, a_path = long_framework(tmp_path)
    result = cli("score", "--framework", str(fw_path), str(a_path))
    assert result.exit_code == 0, result.stderr
    too_long = [line for line in result.stdout.splitlines() if len(line) > 80]
    assert too_long == []


@pytest.mark.parametrize("framework_id", catalog.builtin_ids())
def test_score_table_of_a_builtin_blank_fits_80_columns(
    cli: Cli, tmp_path: Path, framework_id: str
) -> None:
    out = tmp_path / "blank.yaml"
    cli("assess", "new", framework_id, "--unit", "City Council/Housing", "--period", "2025/26",
        "-o", out)  # fmt: skip
    result = cli("score", out)
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
