"""What makes a notification, for whom: a new or reopened task for its department, a resolved
complaint's callback for the desk, an overdue or urgent complaint for the manager."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.notifications.rules import drafts_for, text_of
from gateway.portal.i18n import translations
from propops.events import new_event
from propops.events.catalog import complaint_event_type, task_event_type
from propops.events.payloads import ComplaintChanged, ComplaintOverdue, TaskChanged

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def complaint(verb: str, **kw: object) -> tuple[ComplaintChanged, object]:
    payload = ComplaintChanged(
        complaint_id="c1", property_id="p1", status=verb, department="engineering", at=NOW, **kw
    )
    return payload, new_event(payload, event_type=complaint_event_type(verb))


def test_who_hears_of_what() -> None:
    task = TaskChanged(task_id="t1", department="cleaning", property_id="p1", status="open", at=NOW)
    [d] = drafts_for(task, new_event(task, event_type=task_event_type("cleaning", "created")))
    assert (d.audience, d.property_id, d.kind) == ("cleaning", "p1", "task_created")
    assert (
        drafts_for(task, new_event(task, event_type=task_event_type("cleaning", "started"))) == []
    )

    [d] = drafts_for(*complaint("resolved"))
    assert (d.audience, d.kind) == ("frontdesk", "callback_due")
    assert drafts_for(*complaint("classified", priority="normal")) == []
    [d] = drafts_for(*complaint("classified", priority="urgent", description="Gas smell"))
    assert (d.audience, d.kind, d.params["description"]) == (
        "manager",
        "severe_complaint",
        "Gas smell",
    )

    late = ComplaintOverdue(
        complaint_id="c1", property_id="p1", deadline="response", due=NOW, status="recorded"
    )
    [d] = drafts_for(late, new_event(late))
    assert (d.audience, d.kind) == ("manager", "complaint_overdue")
    assert text_of(d.kind, d.params) == "Complaint overdue: response deadline missed"
    assert text_of(d.kind, d.params, translations("zh-Hant").gettext) == "投訴逾期：已過回應期限"


def test_a_signed_daily_review_tells_the_managers_of_the_property() -> None:
    from datetime import date

    from propops.events.payloads import DailyReviewSigned

    signed = DailyReviewSigned(
        review_id="r1",
        property_id="p1",
        date=date(2026, 11, 26),
        signed_by="sue",
        signed_at=NOW,
        notes="Lift B still out of order.",
    )
    [d] = drafts_for(signed, new_event(signed))
    assert (d.audience, d.property_id, d.kind) == ("manager", "p1", "daily_review_signed")
    assert d.params["description"] == "Lift B still out of order."
    assert text_of(d.kind, d.params) == "Daily review of 2026-11-26 signed by sue"
    assert text_of(d.kind, d.params, translations("zh-Hant").gettext) == (
        "2026-11-26 每日查閱工作記錄已由 sue 簽署"
    )


def test_a_leave_request_tells_the_supervisors_and_managers_of_its_property() -> None:
    from datetime import date

    from gateway.portal.routes.notifications import link_of
    from propops.events.payloads import LeaveRequested

    asked = LeaveRequested(
        leave_id="l1",
        property_id="p-a",
        user="clerk",
        date_from=date(2026, 11, 30),
        date_to=date(2026, 12, 1),
        kind="annual",
        requested_by="clerk",
        requested_at=NOW,
    )
    drafts = drafts_for(asked, new_event(asked))
    # the clerk's property only: a supervisor limited to another property hears nothing of it
    assert [(d.audience, d.property_id, d.kind) for d in drafts] == [
        ("supervisor", "p-a", "leave_requested"),
        ("manager", "p-a", "leave_requested"),
    ]
    d = drafts[0]
    assert text_of(d.kind, d.params) == "Leave requested for clerk: 2026-11-30 to 2026-12-01"
    assert text_of(d.kind, d.params, translations("zh-Hant").gettext) == (
        "clerk 申請請假：2026-11-30 至 2026-12-01"
    )
    assert link_of({"kind": d.kind, "params": d.params, "property_id": "p-a"}) == (
        "/staff/leave?property_id=p-a"
    )
    # an event from before leave had a property: every property's supervisors and managers
    old = asked.model_copy(update={"property_id": None})
    assert [(d.audience, d.property_id) for d in drafts_for(old, new_event(old))] == [
        ("supervisor", None),
        ("manager", None),
    ]


def test_a_visitor_for_a_department_tells_it_when_expected_and_when_arrived() -> None:
    from gateway.portal.routes.notifications import ICONS
    from propops.events.payloads import VisitChanged

    def visit(verb: str, **kw: object) -> tuple[VisitChanged, object]:
        payload = VisitChanged(
            visit_id="v1",
            reference="V-2026-00003",
            property_id="p1",
            status={"registered": "expected", "arrived": "on_site"}.get(verb, "left"),
            visitor_name="Chan Tai Man",
            purpose="lift inspection",
            at=NOW,
            **kw,
        )
        return payload, new_event(payload, event_type=f"propops.frontdesk.visit.{verb}.v1")

    [d] = drafts_for(*visit("registered", host_department="engineering", expected_at=NOW))
    assert (d.audience, d.property_id, d.kind) == ("engineering", "p1", "visitor_expected")
    assert d.params["reference"] == "V-2026-00003"
    assert d.params["description"] == "lift inspection"
    assert text_of(d.kind, d.params) == "A visitor for Engineering: Chan Tai Man is expected"
    assert text_of(d.kind, d.params, translations("zh-Hant").gettext) == (
        "工程部將有訪客：Chan Tai Man"
    )
    [d] = drafts_for(*visit("arrived", host_department="engineering"))
    assert (d.audience, d.kind) == ("engineering", "visitor_arrived")
    assert text_of(d.kind, d.params, translations("zh-Hant").gettext) == (
        "工程部的訪客已到達：Chan Tai Man"
    )
    assert ICONS[d.kind] == "users"
    # the other steps, and a unit's visitor (the desk phones the resident), tell no one
    assert drafts_for(*visit("left", host_department="engineering")) == []
    assert drafts_for(*visit("registered", host_unit_id="u1")) == []
