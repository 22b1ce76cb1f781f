"""Rubric arithmetic: weighted totals, bands, gateway criteria and the resubmission cap."""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import N_, gettext

BANDS = ("fail", "pass", "merit", "distinction")
# The bands' names where people read them; the stored band stays its key.
BAND_LABELS = {"fail": N_("Fail"), "pass": N_("Pass"), "merit": N_("Merit"), "distinction": N_("Distinction")}
DEFAULT_THRESHOLDS = {"pass": 50, "merit": 60, "distinction": 70}
DEFAULT_RESUBMISSION = {"allowed": 1, "capped_at": "pass"}
# Second marking: every Fail and Distinction, plus this share of the rest per marker (at least `minimum`);
# first and second marks further apart than `threshold_marks`, or in different bands, need an agreed mark.
DEFAULT_MODERATION = {"sample_percent": 10, "minimum": 1, "threshold_marks": 10}


def band_label(band: str | None) -> str:
    """A band's name as shown, in the page's language: "pass" is Pass (Llwyddo in Welsh)."""
    return gettext(BAND_LABELS[band]) if band in BAND_LABELS else (band or "")


def band_for(mark: float, thresholds: dict[str, int]) -> str:
    for band in reversed(BANDS[1:]):
        if mark >= thresholds[band]:
            return band
    return "fail"


@dataclass(frozen=True)
class Outcome:
    total: float  # 0–100, after any cap
    band: str  # one of BANDS
    gateway_failed: tuple[str, ...]  # titles of gateway criteria marked below Pass
    capped: bool

    @property
    def passed(self) -> bool:
        return self.band != "fail"

    @property
    def explanation(self) -> str:
        if self.gateway_failed:
            return (
                f"Referred: {', '.join(self.gateway_failed)} must each reach Pass on its own, "
                "whatever the total."
            )
        if self.capped:
            return f"A resubmission is capped at {self.band.title()}: recorded as {self.total:g} out of 100."
        return f"{self.band.title()}: a total of {self.total:g} out of 100."


def outcome(
    criteria: list[dict],
    marks: dict[str, float],
    thresholds: dict[str, int] | None = None,
    cap_at: str | None = None,
) -> Outcome:
    """The result of marking: ``marks`` gives each criterion (by key) a mark from 0 to 100."""
    thresholds = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    missing = [c["key"] for c in criteria if c["key"] not in marks]
    if missing:
        raise ValueError(f"no mark for: {', '.join(missing)}")
    if any(not 0 <= marks[c["key"]] <= 100 for c in criteria):
        raise ValueError("marks run from 0 to 100")
    total = round(sum(c["weight"] * marks[c["key"]] for c in criteria) / 100, 1)
    failed = tuple(c["title"] for c in criteria if c.get("gateway") and marks[c["key"]] < thresholds["pass"])
    band = "fail" if failed else band_for(total, thresholds)
    capped = False
    if cap_at and band != "fail" and BANDS.index(band) >= BANDS.index(cap_at):
        # Capped at the band's threshold mark: every passing resubmission records the same capped mark.
        capped_total = min(total, float(thresholds[cap_at]))
        capped = capped_total != total or band != cap_at
        band, total = cap_at, capped_total
    return Outcome(total=total, band=band, gateway_failed=failed, capped=capped)
