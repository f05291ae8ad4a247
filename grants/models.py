"""Import every model so that the metadata is complete (Alembic, create_all, tests)."""
from .accounts.models import ApiToken, Membership, OfficerRegion, User, UserRole  # noqa: F401
from .accounts.models import RateLimitCounter, UserSession  # noqa: F401
from .alliances.models import Alliance, AllianceMember, Attachment  # noqa: F401
from .associations.models import Association, Buyer, Member  # noqa: F401
from .associations.assemblies_models import Assembly, AssemblyDecision  # noqa: F401
from .audit.models import Event  # noqa: F401
from .programs.models import Call, CallCommittee, CallCriterion, CallRegion, Program  # noqa: F401
from .alliances.budget import BudgetLine, Tranche  # noqa: F401
from .plans.models import (  # noqa: F401
    Appraisal, Assessment, AssessmentItem, CashFlowYear, CommitteeMinutes, Indicator, Plan, PlanRevision, Review)
from .notifications.models import Notification  # noqa: F401
from .proposals.models import PreselectionMinutes, Profile, ProfileRevision, ScreeningScore  # noqa: F401
from .funding.models import Agreement, TrancheFlow  # noqa: F401
from .execution.models import AccountabilityReport, Contribution, Expense, Procurement, Quotation  # noqa: F401
from .execution.models import Reallocation  # noqa: F401
from .assistance.models import Contract as TaContract, Deliverable, Provider as TaProvider  # noqa: F401
from .assistance.models import Invitation as TaInvitation, Proposal as TaProposal, TermsOfReference  # noqa: F401
from .monitoring.models import FollowUpAction, IndicatorValue, Visit as SupervisionVisit, VisitPhoto  # noqa: F401
from .closeout.models import Evaluation, FinalReport, IndicatorActual, Refund  # noqa: F401
from .revolving.models import Loan as RevolvingLoan, Movement as RevolvingMovement, RevolvingFund  # noqa: F401
from .reports.stored import StoredAnswer  # noqa: F401
from .web.idempotency import IdempotencyKey  # noqa: F401
from .reports.totals import AllianceStay, AllianceTotals  # noqa: F401
from .reports.cells import AllianceCell, PortfolioCell, PortfolioIndicatorCell  # noqa: F401
from .opendata.models import OpenDataSettings  # noqa: F401
from .documents.models import IssuedDocument  # noqa: F401
from .organisation.models import CapacityAction, CapacityPlan, FundApplication, StrategicAction  # noqa: F401
from .organisation.models import StrategicObjective, StrategicPlan, Training as OrgTraining  # noqa: F401
from .sales.models import BuyerAccount, Delivery  # noqa: F401  (issue 15: the buyer as a party)
from .grievances.models import Grievance  # noqa: F401
