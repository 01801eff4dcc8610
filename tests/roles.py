"""The roles the permission sweep walks, shared by the per-app sweep tables."""

ROLES = ["anonymous", "outsider", "member", "cochair", "other_lead", "lead", "admin", "finance"]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
MANAGERS = {"admin", "lead", "other_lead"}
PROJECT_VIEW = {"member", "cochair", "lead", "admin"}
PROJECT_MANAGE = {"cochair", "lead", "admin"}
