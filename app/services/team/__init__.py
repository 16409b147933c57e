"""The team: who may do what in which project, what they did, what they said, who approved.

- ``rights``: roles per project (owner, editor, viewer, plus the approver right) and the check.
- ``guard``: the ``guarded`` decorator every write service wears: check, permit, trail entry.
- ``members``: signed-in users, the workspace admin, invitations and role changes.
- ``activity``: the trail (who, when, what), filtered and as CSV.
- ``comments``: notes on a stage.
- ``promotions``: four-eyes promotion to production.
"""
