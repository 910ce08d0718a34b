import frontdesk.callbacks.models
import frontdesk.calls.models
import frontdesk.commitments.models
import frontdesk.complaints.models
import frontdesk.daily_reviews.models
import frontdesk.documents.models
import frontdesk.followups.models
import frontdesk.handovers.models
import frontdesk.inspections.models
import frontdesk.leave_requests.models
import frontdesk.meetings.models
import frontdesk.nonconformances.models
import frontdesk.notices.models
import frontdesk.open311.models
import frontdesk.paid_services.models
import frontdesk.parties.models
import frontdesk.payment_status.models
import frontdesk.register.models
import frontdesk.release_passes.models
import frontdesk.security_alerts.models
import frontdesk.staff_shifts.models
import frontdesk.training.models
import frontdesk.visits.models  # noqa: F401 - registers the tables
from frontdesk.db import Base
from propops.migrations import run_env

run_env(Base.metadata)
