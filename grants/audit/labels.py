"""Human labels for the actions in the audit trail: a workflow action takes its transition's label;
the other changes are named here. Unknown actions show their code."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "create": _l("Created"),
    "update": _l("Edited"),
    "add_attachment": _l("Document attached"),
    "create_profile": _l("Profile started"),
    "score_screening": _l("Screening scores saved"),
    "preselection_minutes": _l("Preselection minutes written"),
    "create_budget_line": _l("Budget line added"),
    "update_budget_line": _l("Budget line changed"),
    "delete_budget_line": _l("Budget line removed"),
    "import_budget": _l("Budget imported"),
    "create_tranche": _l("Tranche planned"),
    "update_tranche": _l("Tranche changed"),
    "delete_tranche": _l("Tranche removed"),
    "save_appraisal": _l("Appraisal saved"),
    "submit_review": _l("Committee review submitted"),
    "record": _l("Recorded"),
    "correct": _l("Corrected"),
    "void": _l("Voided"),
    "add_quotation": _l("Quotation added"),
    "assembly_approval": _l("Assembly approval attached"),
    "add_member": _l("Member added"),
    "update_member": _l("Member changed"),
    "remove_member": _l("Member removed"),
    "deactivate_member": _l("Member deactivated"),
    "import_members": _l("Members imported"),
    "export_members": _l("Members exported"),
    "view_members": _l("Members' data viewed"),
    "export_intentions": _l("Intentions exported"),
    "close": _l("Closed"),
    "invite": _l("Providers invited"),
    "score": _l("Score saved"),
    "select": _l("Provider selected"),
    "create_user": _l("User created"),
    "update_user": _l("User changed"),
    "change_password": _l("Password changed"),
    "issue_token": _l("API token issued"),
    "revoke_token": _l("API token revoked"),
    "end_sessions": _l("Sessions and API tokens ended"),
    "create_association": _l("Association registered"),
    "update_association": _l("Association changed"),
    "create_buyer": _l("Buyer registered"),
    "seed_scale": _l("Scale test data generated"),
    "open": _l("Opened"),
    "create_program": _l("Program created"),
    "update_program": _l("Program changed"),
    "create_call": _l("Call created"),
    "update_call": _l("Call changed"),
    "deposit_from_grant": _l("Unspent grant moved to the revolving fund"),
    "repaid": _l("Loan repaid"),
    "record_repayment": _l("Repayment into the revolving fund recorded"),
    "record_loan": _l("Loan from the revolving fund recorded"),
    "write_off": _l("Loan written off"),
    "save_final_report": _l("Final report saved"),
    "save_evaluation": _l("Final evaluation saved"),
    "record_refund": _l("Refund of unspent grant recorded"),
    "create_indicator": _l("Indicator added"),
    "update_indicator": _l("Indicator changed"),
    "update_indicators": _l("Indicators changed"),
    "delete_indicator": _l("Indicator removed"),
    "save_assessment": _l("Assessment scored"),
    "update_cash_flow": _l("Cash flow changed"),
    "update_plan": _l("Plan edited"),
    "update_open_data_settings": _l("Open-data settings changed"),  # open data (issue 17)
    # grievances (issue 15)
    "file": _l("Grievance received"),
    "flag_supervision": _l("Supervision of the alliance asked"),
    "unflag_supervision": _l("Supervision request withdrawn"),
}
# the organisation's own plans (h6)
LABELS.update({
    "save_strategic_plan": _l("Strategic plan saved"),
    "propose_capacity_plan": _l("Capacity plan proposed from the assessment"),
    "update_capacity_action": _l("Action of the capacity plan changed"),
    "adopt_capacity_plan": _l("Capacity plan adopted by the board"),
    "record_training": _l("Training registered"),
    "record_fund": _l("Application for other funds registered"),
    "settle_fund": _l("Result of an application for other funds recorded"),
})
# sales to the buyer (issue 15)
LABELS.update({"pay": _l("Payment recorded by the buyer"), "link": _l("Account linked to a buyer"),
               "unlink": _l("Account unlinked from a buyer")})

#: registered mappings object type -> workflow (grants/workflows registers its own here: the audit trail
#: sits below the workflows and does not import them); kept by reference, so later additions count
_WORKFLOW_MAPS = []


def register_workflows(workflows):
    """Let the transitions of ``workflows`` (object type -> workflow) label their audit events."""
    if not any(m is workflows for m in _WORKFLOW_MAPS):
        _WORKFLOW_MAPS.append(workflows)


def action_label(event):
    """The label of ``event.action`` in the user's language."""
    workflow = next((m[event.object_type] for m in _WORKFLOW_MAPS if event.object_type in m), None)
    if workflow is not None and event.action in workflow.by_name:
        return workflow.by_name[event.action][0].label
    return LABELS.get(event.action, event.action)
