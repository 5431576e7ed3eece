"""The group's mix: size, gender, age and situation indicators, with plain-language warnings; small counts masked
for what leaves the laptop (:func:`masked_counts`).

A person is a member with something told (a first name, an age band, a gender, a situation, a
wish) or one who joined from a phone: an empty row (« Ajouter une personne » and nothing typed)
is no one, on the page, the projector and the PDF alike. Who preferred not to say their gender
on a phone is counted apart from who did not answer (:func:`workbook_mix`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kpawidgets.i18n import N_
from kpawidgets.model.checklist.messages import Message
from kpawidgets.model.records.checklist import AGE_BANDS, GENDERS, SITUATIONS, SITUATIONS_PLURAL, Checklist, GroupMember
from kpawidgets.model.records.workbook import Workbook

__all__ = ["MixWarning", "GroupMix", "group_mix", "workbook_mix", "counted_members", "MIN_GROUP_SIZE", "MIN_MIX_SIZE",
           "MAX_GENDER_SHARE", "MAX_SITUATION_SHARE", "SMALL_COUNT", "SMALL", "WITHHELD", "masked_counts"]

MIN_GROUP_SIZE = 6
MIN_MIX_SIZE = 3
MAX_GENDER_SHARE = Decimal("0.70")
MAX_SITUATION_SHARE = Decimal("0.70")
#: What leaves the laptop (the PDF, its HTML) shows no count from 1 to this minus one: « moins de 3 ».
SMALL_COUNT = 3


@dataclass(frozen=True)
class MixWarning:
    """A plain-language remark on the group: ``level`` is ``warning`` or ``info``."""

    code: str
    message: Message
    level: str = "warning"


@dataclass(frozen=True)
class GroupMix:
    """Mix indicators of the group (see the module docstring for the thresholds)."""

    size: int
    genders: dict[str, int]  #: gender code → count (known genders only)
    gender_unknown: int  #: people whose gender nobody knows (neither told nor declined)
    gender_shares: dict[str, Decimal]  #: gender code → share of the known genders
    age_bands: dict[str, int]  #: age band code → count, in age order
    age_unknown: int
    situations: dict[str, int]  #: situation code → number of people holding it
    warnings: tuple[MixWarning, ...]
    gender_undisclosed: int = 0  #: people who preferred not to say their gender (on a phone)

    @property
    def age_band_count(self) -> int:
        """How many distinct age bands the group spans (the « spread of ages »)."""
        return sum(1 for count in self.age_bands.values() if count)

    @property
    def situation_count(self) -> int:
        return sum(1 for count in self.situations.values() if count)

    @property
    def ok(self) -> bool:
        """Big enough and no mix warning (information remarks do not count)."""
        return self.size >= MIN_GROUP_SIZE and not any(w.level == "warning" for w in self.warnings)


_GENDER_WARNINGS = {
    "woman": N_("Le groupe compte {share_pct} de femmes : cherchez aussi des hommes."),
    "man": N_("Le groupe compte {share_pct} d'hommes : cherchez aussi des femmes."),
    "other": N_("Le groupe compte {share_pct} de personnes d'un même genre."),
}


_GENDER_WORDS = {
    "woman": N_("Le groupe compte surtout des femmes : cherchez aussi des hommes."),
    "man": N_("Le groupe compte surtout des hommes : cherchez aussi des femmes."),
    "other": N_("Le groupe compte surtout des personnes d'un même genre."),
}


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if whole else Decimal(0)


def _told(member: GroupMember) -> bool:
    return bool(member.alias.strip() or member.age_band or member.gender or member.situations or member.interests.strip())


def counted_members(checklist: Checklist, joined: Collection[str] = ()) -> list[GroupMember]:
    """The members who are someone: something told, or joined from a phone (ids in *joined*)."""
    return [member for member in checklist.group if member.id in joined or _told(member)]


def workbook_mix(workbook: Workbook) -> GroupMix:
    """:func:`group_mix` of *workbook*'s group, knowing who joined from a phone and who declined to say their gender."""
    entries = workbook.room.participants
    declined = {entry.id for entry in entries if entry.gender == "undisclosed"}
    return group_mix(workbook.checklist, joined={entry.id for entry in entries}, undisclosed=declined)


def group_mix(checklist: Checklist, *, joined: Collection[str] = (), undisclosed: Collection[str] = ()) -> GroupMix:
    """Size, gender, age and situation indicators of the group, with warnings.

    *joined*: ids of members who joined from a phone (people even with nothing told);
    *undisclosed*: ids of members who preferred not to say their gender.
    """
    people = counted_members(checklist, joined)
    size = len(people)
    declined = sum(1 for p in people if p.gender is None and p.id in undisclosed)
    genders = Counter(p.gender for p in people if p.gender)
    known_genders = sum(genders.values())
    ages = Counter(p.age_band for p in people if p.age_band)
    situations: Counter[str] = Counter()
    for person in people:
        situations.update(set(person.situations))
    warnings: list[MixWarning] = []
    if size == 0:
        warnings.append(MixWarning("empty", Message(N_("Personne n'est encore inscrit dans le groupe."))))
    elif size < MIN_GROUP_SIZE:
        warnings.append(MixWarning("small", Message(
            N_("Le groupe ne compte que {count} personne : visez au moins {min} (les KPA du réseau ont démarré à 7 à 22)."),
            {"count": size, "min": MIN_GROUP_SIZE},
            N_("Le groupe ne compte que {count} personnes : visez au moins {min} (les KPA du réseau ont démarré à 7 à 22)."))))
    if size >= MIN_MIX_SIZE:
        if known_genders >= MIN_MIX_SIZE:
            top, top_count = genders.most_common(1)[0]
            share = _share(top_count, known_genders)
            if share >= MAX_GENDER_SHARE and 0 < known_genders - top_count < SMALL_COUNT:
                # the share would give the few others' count away (the PDF, the next actions): said without it
                warnings.append(MixWarning("gender", Message(_GENDER_WORDS[str(top)])))
            elif share >= MAX_GENDER_SHARE:
                warnings.append(MixWarning("gender", Message(_GENDER_WARNINGS[str(top)], {"share_pct": share})))
        known_ages = sum(ages.values())
        if known_ages >= MIN_MIX_SIZE and len(ages) == 1:
            band = next(iter(ages))
            warnings.append(MixWarning("age", Message(
                N_("Tous les âges connus sont dans la même tranche : {band_label}."), {"band_label": AGE_BANDS[str(band)]})))
        with_situation = sum(1 for p in people if p.situations)
        if with_situation >= MIN_MIX_SIZE and situations:
            top_situation, top_count = situations.most_common(1)[0]
            if len(situations) == 1:
                warnings.append(MixWarning("situation", Message(
                    N_("Un seul profil : {situation_label}."), {"situation_label": SITUATIONS_PLURAL[top_situation]})))
            elif _share(top_count, size) >= MAX_SITUATION_SHARE:
                warnings.append(MixWarning("situation", Message(
                    N_("Profil dominant : {share_pct} du groupe sont {situation_label}."),
                    {"share_pct": _share(top_count, size), "situation_label": SITUATIONS_PLURAL[top_situation]})))
    age_unknown = size - sum(ages.values())
    if size and age_unknown == size:
        warnings.append(MixWarning("age_missing", Message(
            N_("Aucun âge renseigné : la mixité d'âge ne peut pas être évaluée.")), "info"))
    elif age_unknown:
        warnings.append(MixWarning("age_missing", Message(
            N_("Âge non renseigné pour {count} personne."), {"count": age_unknown},
            N_("Âge non renseigné pour {count} personnes.")), "info"))
    gender_unknown = size - known_genders - declined
    if gender_unknown:
        warnings.append(MixWarning("gender_missing", Message(
            N_("Genre non renseigné pour {count} personne."), {"count": gender_unknown},
            N_("Genre non renseigné pour {count} personnes.")), "info"))
    return GroupMix(
        size=size,
        genders={code: genders.get(code, 0) for code in GENDERS},  # type: ignore[call-overload]
        gender_unknown=gender_unknown,
        gender_shares={code: _share(genders.get(code, 0), known_genders) for code in GENDERS},  # type: ignore[call-overload]
        age_bands={code: ages.get(code, 0) for code in AGE_BANDS},  # type: ignore[call-overload]
        age_unknown=age_unknown,
        situations={code: situations.get(code, 0) for code in SITUATIONS},
        warnings=tuple(warnings),
        gender_undisclosed=declined,
    )


#: What :func:`masked_counts` puts in place of a count: a small one, or one withheld so the small one cannot be deduced.
SMALL = "small"
WITHHELD = "withheld"


def masked_counts(counts: Mapping[str, int], total_shown: bool = True) -> dict[str, int | str]:
    """*counts* as they may leave the laptop: a count from 1 to :data:`SMALL_COUNT` − 1 becomes
    :data:`SMALL` (« moins de 3 »), so nobody in a small group is pointed at by their situation,
    age or gender.

    With *total_shown* (the counts add up to a figure shown elsewhere: the genders, the age bands),
    a lone small count would be found by subtraction: the next smallest one is :data:`WITHHELD` too.
    Zeros stay (they point at nobody).
    """
    shown: dict[str, int | str] = {code: SMALL if 0 < count < SMALL_COUNT else count for code, count in counts.items()}
    if total_shown and sum(1 for value in shown.values() if value == SMALL) == 1:
        others = sorted((count, code) for code, count in counts.items() if count and shown[code] != SMALL)
        if others:
            shown[others[0][1]] = WITHHELD
    return shown
