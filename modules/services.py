"""Writes about posts. Cross-row rules run under transaction.atomic() with the post row locked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kim.models import RECIPIENT_KINDS, User
from kim.money import format_fte
from kim.services import apply_fields, save_validated
from modules.models import CostRate, Occupancy, PersonnelCost, Post
from modules.selectors import COUNTY_KINDS, occupied_segments, post_active_days

EMPLOYER_KINDS = (*COUNTY_KINDS, *RECIPIENT_KINDS)


def _check_employer(post: Post) -> None:
    if post.employer_id and post.employer.kind not in EMPLOYER_KINDS:
        raise ValidationError(
            {
                "employer": _(
                    "Anstellungsträger kann nur die Körperschaft (Kreis/Stadt), ein Amt, ein Träger oder eine kreisangehörige Kommune sein."
                )
            }
        )


def post_save(*, post: Post | None = None, data: dict[str, Any], user: User | None = None) -> Post:
    """Create or update a post. Its FTE may not drop below what occupancies or grants already use."""
    with transaction.atomic():
        if post is None:
            post = Post()
            before = None
        else:
            post = Post.objects.select_for_update().get(pk=post.pk)
            before = Post(**{f.attname: getattr(post, f.attname) for f in Post._meta.concrete_fields})
        apply_fields(post, data)
        _check_employer(post)
        if (
            post.module_id
            and post.place_id
            and post.module.number == 2
            and post.place is not None
            and not post.place.module2_area
        ):
            raise ValidationError(
                {
                    "place": _("%(place)s wird im Modul 2 gesondert gefördert; Stellen des Kreises liegen außerhalb.")
                    % {"place": post.place}
                }
            )
        if post.pk:
            occupied = [(o.start, o.end, o.fte) for o in post.occupancies.all()]
            if any(total > post.fte for _s, _e, total in occupied_segments(occupied)):
                raise ValidationError(
                    {"fte": _("Die Stelle ist zeitweise mit mehr VZÄ besetzt, als der neue Stellenanteil erlaubt.")}
                )
            for occ in post.occupancies.all():
                if occ.start < post.start or (post.end and (occ.end is None or occ.end > post.end)):
                    raise ValidationError(
                        {
                            "end" if occ.start >= post.start else "start": _(
                                "Eine Besetzung (ab %(d)s) läge außerhalb der neuen Laufzeit; bitte zuerst die Besetzung anpassen."
                            )
                            % {"d": occ.start.strftime("%d.%m.%Y")}
                        }
                    )
            # Reverse manager of funding's ForwardingContract (modules may not import funding); django-stubs
            # cannot resolve it from this layer.
            for contract in post.forwardings.all():  # type: ignore[misc]
                if contract.start < post.start or (post.end and contract.end > post.end):
                    raise ValidationError(
                        {
                            "end" if contract.start >= post.start else "start": _(
                                "Der Weiterleitungsvertrag %(y)s läge außerhalb der neuen Laufzeit."
                            )
                            % {"y": contract.year}
                        }
                    )
            alloc = [(a.start, a.end, a.fte) for a in post.allocations.all()]
            if any(total > post.fte for _s, _e, total in occupied_segments(alloc)):
                raise ValidationError(
                    {"fte": _("Für die Stelle sind zeitweise mehr VZÄ gefördert, als der neue Stellenanteil erlaubt.")}
                )
        if before is not None:
            _check_dependent_money(before, post)
        return save_validated(post, user=user)


def _check_dependent_money(before: Post, post: Post) -> None:
    """Fields that the money of existing contracts, plans and grants depends on stay fixed while they exist.

    Moving a post to another employer would hand one carrier's contracts and cost plans to another;
    another module or category would detach it from its grant's rates.
    """
    has_money = post.forwardings.exists() or post.cost_plans.exists()
    if before.employer_id != post.employer_id and has_money:
        raise ValidationError(
            {
                "employer": _(
                    "Für diese Stelle bestehen Weiterleitungsverträge oder Kostenpläne des bisherigen Trägers; der Anstellungsträger kann nicht geändert werden. Bitte eine neue Stelle anlegen."
                )
            }
        )
    if before.module_id != post.module_id and (post.allocations.exists() or post.forwardings.exists()):
        raise ValidationError(
            {
                "module": _(
                    "Die Stelle ist Förderbescheiden ihres Moduls zugeordnet; das Modul kann nicht geändert werden."
                )
            }
        )
    if before.category != post.category and post.forwardings.exists():
        raise ValidationError(
            {
                "category": _(
                    "Die Kategorie bestimmt den Fördersatz bestehender Weiterleitungsverträge und kann nicht geändert werden."
                )
            }
        )
    if (before.start, before.end) != (post.start, post.end):
        for year in sorted(set(post.forwardings.values_list("year", flat=True))):
            if post_active_days(post=before, year=year) != post_active_days(post=post, year=year):
                raise ValidationError(
                    {
                        "end": _(
                            "Die Laufzeit bestimmt die Beträge der Weiterleitungsverträge %(y)s; bitte zuerst diese Verträge anpassen."
                        )
                        % {"y": year}
                    }
                )


def occupancy_save(
    *, post: Post, occupancy: Occupancy | None = None, data: dict[str, Any], user: User | None = None
) -> Occupancy:
    """Record who occupies how much of a post when; the occupied FTE never exceeds the post's FTE."""
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        occupancy = occupancy or Occupancy(post=post)
        apply_fields(occupancy, data)
        occupancy.post = post
        if occupancy.start < post.start or (post.end and occupancy.start > post.end):
            raise ValidationError({"start": _("Die Besetzung muss innerhalb der Laufzeit der Stelle beginnen.")})
        if post.end and (occupancy.end is None or occupancy.end > post.end):
            raise ValidationError(
                {
                    "end": _("Die Besetzung endet spätestens mit der Stelle am %(end)s.")
                    % {"end": post.end.strftime("%d.%m.%Y")}
                }
            )
        others = [(o.start, o.end, o.fte) for o in post.occupancies.exclude(pk=occupancy.pk)]
        others.append((occupancy.start, occupancy.end, occupancy.fte))
        for seg_start, _e, total in occupied_segments(others):
            if total > post.fte:
                raise ValidationError(
                    {
                        "fte": _("Ab %(start)s wären %(total)s VZÄ besetzt, die Stelle hat nur %(fte)s VZÄ.")
                        % {
                            "start": seg_start.strftime("%d.%m.%Y"),
                            "total": format_fte(total),
                            "fte": format_fte(post.fte),
                        }
                    }
                )
        return save_validated(occupancy, user=user)


def personnel_cost_save(
    *, cost: PersonnelCost | None = None, data: dict[str, Any], user: User | None = None
) -> PersonnelCost:
    with transaction.atomic():
        cost = cost or PersonnelCost()
        apply_fields(cost, data)
        return save_validated(cost, user=user)


def cost_rate_save(*, rate: CostRate | None = None, data: dict[str, Any], user: User | None = None) -> CostRate:
    with transaction.atomic():
        rate = CostRate.objects.select_for_update().get(pk=rate.pk) if rate and rate.pk else CostRate()
        apply_fields(rate, data)
        return save_validated(rate, user=user)
