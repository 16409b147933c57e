"""Team widgets: members and roles, the activity trail, comments beside a stage."""
