"""The workbook model: validation, exact money, migrations, JSON Schema."""

from __future__ import annotations

import ast
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kpawidgets.i18n import format_money, use_language
from kpawidgets.model.money import AmountError, parse_amount, to_money
from kpawidgets.model.workbook import (
    SCHEMA_VERSION,
    Identity,
    NewerVersionError,
    Workbook,
    WorkbookError,
    dump_workbook,
    load_workbook_text,
    migrate,
    workbook_json_schema,
)


def test_new_workbook_round_trips_through_its_file_text() -> None:
    workbook = Workbook.new("Quartier de l'Épeule", town="Roubaix", launch_date=dt.date(2027, 3, 15))
    again = load_workbook_text(dump_workbook(workbook), source="x.json")
    assert again == workbook
    assert again.schema_version == SCHEMA_VERSION


def test_example_workbook_is_valid(example_path) -> None:
    workbook = load_workbook_text(example_path.read_bytes(), source=example_path.name)
    assert workbook.identity.territory == "KPA des Tisserands"
    assert workbook.identity.qpv is True


@pytest.mark.parametrize("territory", ["", "a" * 201, "tab\tname"])
def test_identity_rejects_bad_territory_names(territory: str) -> None:
    with pytest.raises(ValueError):
        Identity(territory=territory)


def test_launch_date_outside_plausible_years_is_refused() -> None:
    with pytest.raises(ValueError):
        Identity(territory="X", launch_date=dt.date(1899, 1, 1))


def test_unknown_keys_are_an_error_not_a_silent_loss() -> None:
    text = json.dumps({"schema_version": 1, "identity": {"territory": "X", "twon": "typo"}})
    with pytest.raises(WorkbookError) as info:
        load_workbook_text(text, source="typo.json")
    assert "typo.json" in info.value.message("fr")
    assert "identity.twon" in info.value.message("fr")


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", '{"identity": NaN}', "\xff\xfe"])
def test_unreadable_text_names_the_file(text: str) -> None:
    with pytest.raises(WorkbookError) as info:
        load_workbook_text(text, source="broken.json")
    assert "broken.json" in info.value.message("fr")
    assert "broken.json" in info.value.message("en")


def test_newer_schema_version_is_refused_in_both_languages() -> None:
    text = json.dumps({"schema_version": SCHEMA_VERSION + 1, "identity": {"territory": "Futur"}})
    with pytest.raises(NewerVersionError) as info:
        load_workbook_text(text, source="futur.json")
    assert "plus récente" in info.value.message("fr")
    assert "newer version" in info.value.message("en")


def test_version_0_files_are_migrated() -> None:
    old = {"territory": "Ancien", "town": "Lille", "qpv": True, "launch_date": "2027-01-10"}
    migrated = migrate(dict(old))
    assert migrated["schema_version"] == SCHEMA_VERSION
    workbook = Workbook.model_validate(migrated)
    assert workbook.identity.town == "Lille"
    assert load_workbook_text(json.dumps(old)).identity.territory == "Ancien"


def test_json_schema_describes_the_file() -> None:
    schema = workbook_json_schema()
    assert schema["type"] == "object"
    assert "identity" in schema["properties"]
    assert "schema_version" in schema["properties"]


# ------------------------------------------------------------------ money
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234 €", "1234.00"),
        ("1\u202f234,5", "1234.50"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234", "1234.00"),
        ("-50", "-50.00"),
        ("0,1", "0.10"),
        ("35000", "35000.00"),
    ],
)
def test_french_amounts_are_read_exactly(typed: str, expected: str) -> None:
    assert parse_amount(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["12k", "12 K", "abc", "", "1,234,5", "1.2.3,4", "0,001", "12,345,67", "--5", "€"])
def test_bad_amounts_are_refused_with_a_message(typed: str) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(typed)
    assert info.value.message("fr")
    assert info.value.message("en") != info.value.message("fr") or not typed


def test_12k_is_refused_politely_in_both_languages() -> None:
    with pytest.raises(AmountError) as info:
        parse_amount("12k")
    assert "12 000" in info.value.message("fr")
    assert "instead of 12k" in info.value.message("en")


def test_negative_refused_when_not_allowed() -> None:
    with pytest.raises(AmountError):
        parse_amount("-3", allow_negative=False)


def test_sums_never_drift() -> None:
    total = sum((to_money("0.1") for _ in range(1000)), Decimal("0"))
    assert total == Decimal("100.00")
    assert to_money(0.1) + to_money(0.2) == Decimal("0.30")


def test_money_is_stored_as_a_two_decimal_string() -> None:
    from kpawidgets.model.checklist import EquipmentItem

    item = EquipmentItem(label="Plancha", cost="1 234,5")
    assert item.cost == Decimal("1234.50")
    assert json.loads(item.model_dump_json())["cost"] == "1234.50"


def test_amounts_are_formatted_for_the_language() -> None:
    with use_language("fr"):
        assert format_money(Decimal("3886.08")) == "3\u202f886,08\u00a0€"
    assert format_money(Decimal("3886.08"), "en") == "€3,886.08"


# ---------------------------------------------------------------- the model's layout
MODEL_DIR = Path(__file__).resolve().parents[1] / "kpawidgets" / "model"


def _model_imports() -> dict[str, set[str]]:
    """Module → the kpawidgets modules it imports, counting every import statement (also in functions)."""
    modules: dict[str, tuple[Path, bool]] = {}
    for path in MODEL_DIR.rglob("*.py"):
        parts = list(path.relative_to(MODEL_DIR.parents[1]).with_suffix("").parts)
        package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if package else parts)] = (path, package)
    graph: dict[str, set[str]] = {}
    for name, (path, package) in modules.items():
        here = name if package else name.rsplit(".", 1)[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(here.split(".")[: len(here.split(".")) - node.level + 1] + ([base] if base else []))
                found = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in found:
                if not target.startswith("kpawidgets.model"):
                    if target.startswith("kpawidgets") and target == found[0]:
                        targets.add(target)  # outside the model: the module itself is enough
                    continue
                while target not in modules:
                    target = target.rsplit(".", 1)[0]
                if target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def test_model_has_no_import_cycle_counting_every_import() -> None:
    graph = _model_imports()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            for target in graph.get(current, ()):
                if target == goal:
                    return True
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return False

    assert [name for name in graph if reaches(name, name)] == []


def test_records_import_no_computation_and_the_model_nothing_above_it() -> None:
    graph = _model_imports()
    computations = ("kpawidgets.model.checklist", "kpawidgets.model.budget", "kpawidgets.model.plan")
    for name, targets in graph.items():
        allowed = ("kpawidgets.model", "kpawidgets.i18n", "kpawidgets.errors")
        assert all(target.startswith(allowed) for target in targets), (name, targets)
        if name.startswith("kpawidgets.model.records"):
            assert not [t for t in targets if t.startswith(computations) or t == "kpawidgets.model.workbook"], name


def test_no_model_module_over_600_lines() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in MODEL_DIR.rglob("*.py")}
    assert max(sizes.values()) <= 600, sizes


def test_a_bug_in_the_funding_calendar_is_not_hidden_by_the_timeline(monkeypatch, example_path) -> None:
    from kpawidgets.model.plan import build_timeline, sources

    workbook = load_workbook_text(example_path.read_bytes())

    def broken(_workbook: Workbook) -> list[object]:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(sources, "funding_calendar", broken)
    with pytest.raises(ZeroDivisionError):
        build_timeline(workbook)


def test_public_import_paths_keep_resolving() -> None:
    from kpawidgets.model import budget as b
    from kpawidgets.model import checklist, plan, workbook

    assert b.BudgetLine is __import__("kpawidgets.model.records.budget", fromlist=["BudgetLine"]).BudgetLine
    for name in ("entries", "coverage", "monthly_cash", "cerfa_table", "funding_calendar", "check_fields", "Budget"):
        assert callable(getattr(b, name))
    assert callable(checklist.readiness) and callable(checklist.check_fields) and checklist.Checklist
    assert callable(plan.build_timeline) and callable(plan.check_fields) and plan.Plan
    assert workbook.Workbook is Workbook and workbook.SCHEMA_VERSION == SCHEMA_VERSION


def test_network_file_ships_inside_the_package() -> None:
    from kpawidgets.model.network import load_network, network_csv_text

    assert (MODEL_DIR.parent / "data" / "reseau-kpa.csv").is_file()
    assert network_csv_text().startswith("kpa,")
    assert [kpa.name for kpa in load_network()][:1] == ["La Cape"]


# ---------------------------------------------------------------- what a valid file may hold
def _example_data(example_path: Path) -> dict:
    return json.loads(example_path.read_text(encoding="utf-8"))


def _problems_of(data: dict) -> list[str]:
    with pytest.raises(WorkbookError) as caught:
        load_workbook_text(json.dumps(data), source="x.json")
    return caught.value.params["problems"]


@pytest.mark.parametrize("where, list_label", [
    (("budget", "lines"), "les lignes du budget"),
    (("budget", "activities"), "les activités"),
    (("plan", "custom_steps"), "les étapes ajoutées au plan"),
])
def test_duplicate_ids_are_refused_naming_the_list(example_path: Path, where: tuple[str, str],
                                                   list_label: str) -> None:
    data = _example_data(example_path)
    items = data[where[0]][where[1]]
    if not items:
        items.extend([{"title": "Réunion", "start": "2027-01-05"}, {"title": "Fête", "start": "2027-02-05"}])
    assert len(items) >= 2
    items[1]["id"] = items[0]["id"] = "same"
    problems = _problems_of(data)
    assert problems == [f"{where[0]}.{where[1]} : identifiant « same » en double dans {list_label}"]


def test_two_overrides_of_one_step_are_refused(example_path: Path) -> None:
    data = _example_data(example_path)
    data["plan"]["overrides"] = [{"key": "venue", "done": True}, {"key": "venue", "removed": True}]
    assert _problems_of(data) == ["plan.overrides : identifiant « venue » en double dans les étapes modifiées du plan"]


@pytest.mark.parametrize("path", [
    ("budget", "start_month"),
    ("budget", "lines", 0, "deadline"),
    ("budget", "lines", 0, "answer_date"),
    ("plan", "document_date"),
    ("checklist", "ingredients", "venue", "due"),
    ("checklist", "support", "micro", "start"),
    ("identity", "launch_date"),
])
def test_dates_out_of_range_are_validation_errors(example_path: Path, path: tuple) -> None:
    data = _example_data(example_path)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = "9999-12-01"
    where = ".".join(str(part) for part in path)
    assert _problems_of(data) == [f"{where} : date hors de la période 2000–2100"]


def test_plan_step_dates_and_timestamps_out_of_range_are_refused(example_path: Path) -> None:
    data = _example_data(example_path)
    data["plan"]["custom_steps"] = [{"title": "Réunion", "start": "1999-12-31"}]
    data["plan"]["overrides"] = [{"key": "venue", "end": "2101-01-01"}]
    data["updated_at"] = "9999-12-31T10:00:00Z"
    assert _problems_of(data) == [
        "plan.overrides.0.end : date hors de la période 2000–2100",
        "plan.custom_steps.0.start : date hors de la période 2000–2100",
        "updated_at : date hors de la période 2000–2100",
    ]


@pytest.mark.parametrize("where, limit, item", [
    (("plan", "custom_steps"), 500, {"title": "Réunion", "start": "2027-01-05"}),
    (("plan", "overrides"), 500, {"done": True}),
    (("budget", "lines"), 2000, {"account": "606", "amount": "1.00"}),
    (("checklist", "group"), 200, {}),
])
def test_every_list_has_a_bound(example_path: Path, where: tuple[str, str], limit: int, item: dict) -> None:
    data = _example_data(example_path)
    items = []
    for index in range(limit + 1):
        one = dict(item)
        if "done" in item:
            one["key"] = f"step{index}"
        if where == ("budget", "lines"):
            one["id"] = f"l{index}"
        if where == ("plan", "custom_steps"):
            one["id"] = f"s{index}"
        items.append(one)
    data[where[0]][where[1]] = items
    problems = _problems_of(data)
    assert len(problems) == 1 and problems[0].startswith(f"{where[0]}.{where[1]} : ")
    data[where[0]][where[1]] = items[:limit]
    load_workbook_text(json.dumps(data))


def test_every_list_of_the_format_is_bounded() -> None:
    schema = workbook_json_schema()
    unbounded = []

    def visit(node: object, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "array" and "maxItems" not in node:
                unbounded.append(where)
            for key, value in node.items():
                visit(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, f"{where}[{index}]")

    visit(schema, "")
    assert unbounded == []


@pytest.mark.parametrize("text", ["Four\x00", "Four\nà pain", "Four\tà pain", "\x1b[31mFour"])
def test_control_characters_are_refused_in_one_line_labels(example_path: Path, text: str) -> None:
    data = _example_data(example_path)
    data["budget"]["lines"][0]["label"] = text
    problems = _problems_of(data)
    assert len(problems) == 1 and problems[0].startswith("budget.lines.0.label : caractère de contrôle interdit")


def test_notes_keep_line_breaks_but_refuse_nul(example_path: Path) -> None:
    data = _example_data(example_path)
    data["checklist"]["ingredients"]["venue"]["notes"] = "Première ligne\n\tseconde ligne"
    assert load_workbook_text(json.dumps(data)).checklist.ingredients.venue.notes.endswith("seconde ligne")
    data["checklist"]["ingredients"]["venue"]["notes"] = "avant\x00après"
    assert _problems_of(data) == ["checklist.ingredients.venue.notes : caractère de contrôle interdit (position 6)"]


# ---------------------------------------------------------------- stable ids (format 2)
FORMAT_1_EXAMPLE = Path(__file__).resolve().parent / "data" / "exemple-format-1.json"
#: Lists of plain values: sets of choices (criteria, situations, roles) and the asks' lines.
SCALAR_LISTS = {"criteria", "situations", "roles", "asks", "amounts", "percents"}  # the last two: a line's years, by year


def _lists(node: object, where: str = "") -> list[tuple[str, list]]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _lists(value, f"{where}.{key}" if where else key)
    elif isinstance(node, list):
        found.append((where, node))
        for index, value in enumerate(node):
            found += _lists(value, f"{where}.{index}")
    return found


def _assert_every_item_has_a_unique_id(data: dict) -> int:
    checked = 0
    for where, items in _lists(data):
        if where.rsplit(".", 1)[-1] in SCALAR_LISTS:
            assert all(not isinstance(item, (dict, list)) for item in items), where
            continue
        assert all(isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] for item in items), where
        assert len({item["id"] for item in items}) == len(items), where
        checked += len(items)
    return checked


def test_the_format_1_example_is_read_and_every_item_gets_an_id() -> None:
    text = FORMAT_1_EXAMPLE.read_text(encoding="utf-8")
    original = json.loads(text)
    assert original["schema_version"] == 1 and "id" not in original["checklist"]["group"][0]
    workbook = load_workbook_text(text, source=FORMAT_1_EXAMPLE.name)
    assert workbook.schema_version == SCHEMA_VERSION == 7
    dumped = json.loads(dump_workbook(workbook))
    assert _assert_every_item_has_a_unique_id(dumped) > 50
    # Ids the file had are kept; the ones given are the same on every device that reads it.
    assert [line.id for line in workbook.budget.lines] == [line["id"] for line in original["budget"]["lines"]]
    again = load_workbook_text(text)
    assert [m.id for m in again.checklist.group] == [m.id for m in workbook.checklist.group]
    assert again == workbook
    # Everything else is unchanged.
    assert dumped["checklist"]["group"][0] == {"id": workbook.checklist.group[0].id, **original["checklist"]["group"][0]}


def test_the_shipped_example_is_of_the_current_format_with_ids(example_path: Path) -> None:
    data = json.loads(example_path.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    _assert_every_item_has_a_unique_id(data)
    workbook = load_workbook_text(json.dumps(data))
    older = load_workbook_text(FORMAT_1_EXAMPLE.read_text(encoding="utf-8"))
    # The example changed since format 1 on purpose (issue 12): the venue's hand-typed 861 line
    # l12 is now counted from the venue, and the cover has a summary and a contact.
    for plan in (older.budget, *(scenario.plan for scenario in older.budget.scenarios)):
        plan.lines = [line for line in plan.lines if line.id != "l12"]
    older.identity.summary, older.identity.contact = workbook.identity.summary, workbook.identity.contact
    # format 4 (issue 19): the example's funders say their kind; the migrated file leaves it to choose
    assert all(p.kind is None for p in older.checklist.partners)
    for mine, shipped in zip(older.checklist.partners, workbook.checklist.partners):
        mine.kind = shipped.kind
    # format 5 (issue 24): some of the example's lines say their years; a migrated line has no rule
    assert all(line.years is None for line in older.budget.lines)
    for mine_line, shipped_line in zip(older.budget.lines, workbook.budget.lines):
        mine_line.years = shipped_line.years
    assert older == workbook  # the same ids


def test_new_items_get_an_id_by_default_and_it_survives_a_round_trip() -> None:
    from kpawidgets.model.budget import Scenario, Sharer, StaffCost
    from kpawidgets.model.checklist import EquipmentItem, GroupMember, Partner, TeamMember
    from kpawidgets.model.plan import add_custom_step, set_step_done

    workbook = Workbook.new("Ids")
    workbook.checklist.group = [GroupMember(), GroupMember()]
    workbook.checklist.team = [TeamMember(label="Coordination")]
    workbook.checklist.equipment = [EquipmentItem(label="Four")]
    workbook.checklist.partners = [Partner(name="Ville")]
    workbook.budget.staff = [StaffCost(member="Coordination")]
    workbook.budget.sharing.people = [Sharer(name="Ana")]
    workbook.budget.scenarios = [Scenario(name="prudent")]
    add_custom_step(workbook.plan, "Fête", dt.date(2027, 6, 1))
    set_step_done(workbook.plan, "venue")
    assert workbook.checklist.group[0].id != workbook.checklist.group[1].id
    dumped = json.loads(dump_workbook(workbook))
    assert _assert_every_item_has_a_unique_id(dumped) == 10
    assert dumped["plan"]["overrides"] == [{"key": "venue", "start": None, "end": None, "done": True, "owner": None,
                                            "removed": False, "id": "venue"}]
    assert load_workbook_text(dump_workbook(workbook)) == workbook


def test_an_override_whose_id_is_not_its_key_is_refused(example_path: Path) -> None:
    data = _example_data(example_path)
    data["plan"]["overrides"] = [{"key": "venue", "id": "launch", "done": True}]
    assert _problems_of(data) == ["plan.overrides.0 : l'identifiant d'une étape modifiée doit être sa clé"]


@pytest.mark.parametrize("where", [("checklist", "group"), ("checklist", "team"), ("checklist", "equipment"),
                                   ("checklist", "partners"), ("budget", "staff"), ("budget", "scenarios")])
def test_duplicate_ids_are_refused_in_every_list(example_path: Path, where: tuple[str, str]) -> None:
    data = _example_data(example_path)
    items = data[where[0]][where[1]]
    assert len(items) >= 2, where
    items[1]["id"] = items[0]["id"]
    problems = _problems_of(data)
    assert len(problems) == 1 and problems[0].startswith(f"{where[0]}.{where[1]} : identifiant « {items[0]['id']} » en double")


def test_migration_leaves_its_input_unchanged() -> None:
    original = json.loads(FORMAT_1_EXAMPLE.read_text(encoding="utf-8"))
    before = json.dumps(original)
    migrated = migrate(original)
    assert json.dumps(original) == before
    assert migrated["schema_version"] == SCHEMA_VERSION and "id" in migrated["checklist"]["team"][0]


# ---------------------------------------------------------------- problems by type, in the person's language
def _validation_error(data: dict) -> Exception:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        Workbook.model_validate(migrate(data))
    return caught.value


def test_validation_errors_carry_a_type_and_parameters(example_path: Path) -> None:
    data = _example_data(example_path)
    data["budget"]["start_month"] = "9999-12-01"
    data["budget"]["lines"][1]["id"] = data["budget"]["lines"][0]["id"]
    details = _validation_error(data).errors(include_url=False)
    kinds = {problem["type"]: problem.get("ctx") for problem in details}
    assert kinds["kpa_date_range"] == {"min": 2000, "max": 2100}
    assert kinds["kpa_duplicate_id"] == {"id": data["budget"]["lines"][0]["id"], "list_label": "les lignes du budget"}


def test_validation_messages_follow_the_language(example_path: Path) -> None:
    from kpawidgets.model.workbook import InvalidWorkbookError, validation_messages

    data = _example_data(example_path)
    data["budget"]["start_month"] = "9999-12-01"
    data["budget"]["lines"][0]["amount"] = "12k"
    data["identity"]["town"] = "x" * 201
    data["identity"]["twon"] = "typo"
    error = _validation_error(data)
    french = validation_messages(error, "fr")
    assert french == [
        "identity.town : 200 caractères au plus",
        "identity.twon : champ inconnu",
        "budget.start_month : date hors de la période 2000–2100",
        "budget.lines.0.amount : « 12k » : écrivez le montant en chiffres, par exemple 12 000 au lieu de 12k.",
    ]
    with use_language("en"):
        english = validation_messages(error)
    assert english == [
        "identity.town : at most 200 characters",
        "identity.twon : unknown field",
        "budget.start_month : date outside 2000–2100",
        "budget.lines.0.amount : “12k”: write the amount in figures, for example 12 000 instead of 12k.",
    ]
    with pytest.raises(InvalidWorkbookError) as caught:
        load_workbook_text(json.dumps(data), source="t.json")
    assert caught.value.params["problems"] == french
    assert caught.value.message("en").startswith("The file t.json ") and english[0] in caught.value.message("en")
    assert caught.value.problems("en") == english


def test_the_page_reason_is_found_by_type_not_by_a_year_in_the_text() -> None:
    from pydantic import ValidationError

    from kpawidgets.app.fields import reason_of
    from kpawidgets.model.checklist import EquipmentItem

    item = EquipmentItem(label="Four")
    with pytest.raises(ValidationError) as amount:
        item.cost = "2000k"  # type: ignore[assignment]
    assert reason_of(amount.value).startswith("« 2000k » : écrivez le montant en chiffres")
    with pytest.raises(ValidationError) as label:
        item.label = "Four\x00"
    with use_language("en"):
        assert reason_of(label.value) == "control character not allowed (position 5)"


def test_plurals_follow_each_language() -> None:
    from kpawidgets.errors import KpaError
    from kpawidgets.i18n import ngettext, translate_plural

    one, many = "{count} personne", "{count} personnes"
    assert [translate_plural(one, many, n, "fr") for n in (0, 1, 2)] == [one, one, many]
    with use_language("fr"):
        assert ngettext("{action} (et {count} autre action)", "{action} (et {count} autres actions)", 3) \
            == "{action} (et {count} autres actions)"
    with use_language("en"):
        assert ngettext("{action} (et {count} autre action)", "{action} (et {count} autres actions)", 1) \
            == "{action} (and {count} more action)"
    error = KpaError("Recruter au moins {count} personne de plus (au moins 6 en tout)",
                     plural="Recruter au moins {count} personnes de plus (au moins 6 en tout)", count=2)
    assert error.message("fr") == "Recruter au moins 2 personnes de plus (au moins 6 en tout)"
    assert error.message("en") == "Recruit at least 2 more people (at least 6 in all)"


def test_no_model_message_writes_s_in_brackets() -> None:
    from kpawidgets.tools.catalog import extract_messages

    cerfa_words = {"Région(s)", "Département(s)", "Intercommunalité(s) – EPCI", "Commune(s)"}  # the form's own
    bracketed = [msgid for msgid, places in extract_messages().items()
                 if "(s)" in msgid and msgid not in cerfa_words and any("kpawidgets/model/" in p for p in places)]
    assert bracketed == []


@pytest.mark.parametrize("text, french, english", [
    ('{"identity": ', "(JSON invalide ligne 1, colonne 14)", "(invalid JSON at line 1, column 14)"),
    (b'{"identity": "\xc3\x28"}', "(le texte n'est pas en UTF-8)", "(the text is not UTF-8)"),
    ('{"identity": NaN}', "(NaN n'est pas une valeur permise)", "(NaN is not an allowed value)"),
    ("[" * 200_000, "(JSON imbriqué trop profondément)", "(JSON nested too deeply)"),
    ('{"n": ' + "9" * 5000 + "}", "(nombre trop long)", "(number too long)"),
])
def test_unreadable_json_is_told_in_the_person_s_language(text: str | bytes, french: str, english: str) -> None:
    with pytest.raises(WorkbookError) as caught:
        load_workbook_text(text, source="x.json")
    assert caught.value.message("fr") == f"Le fichier x.json n'est pas un carnet lisible {french}."
    assert caught.value.message("en") == f"The file x.json is not a readable workbook {english}."
