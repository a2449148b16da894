"""Admin: the outreach ledgers read through the scope."""

from django.contrib import admin

from fupin.areas.scope import ScopedModelAdmin

from .models import LiaisonVisit, PolicyDocument, PolicyLecture, StudyTrip, TownshipSubsidy


@admin.register(PolicyLecture)
class PolicyLectureAdmin(ScopedModelAdmin):
    list_display = ("date", "area", "topic", "speaker", "audience")
    raw_id_fields = ("area",)


@admin.register(StudyTrip)
class StudyTripAdmin(ScopedModelAdmin):
    list_display = ("start_date", "area", "destination", "persons")
    raw_id_fields = ("area", "cadres")


@admin.register(LiaisonVisit)
class LiaisonVisitAdmin(ScopedModelAdmin):
    list_display = ("date", "cadre", "area", "problems_raised", "problems_solved")
    raw_id_fields = ("area", "cadre", "link")


@admin.register(TownshipSubsidy)
class TownshipSubsidyAdmin(ScopedModelAdmin):
    list_display = ("cadre", "year", "amount", "area")
    raw_id_fields = ("area", "cadre")


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ScopedModelAdmin):
    list_display = ("title", "issuer", "doc_number", "date")
    raw_id_fields = ("area",)
