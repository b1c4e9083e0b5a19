"""`make demo`: bake a project, run it against a local Cognito and walk through its API."""
