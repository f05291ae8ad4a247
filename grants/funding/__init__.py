"""The funding stage: the agreement (convenio), the counterpart deposit, tranches and disbursements."""
