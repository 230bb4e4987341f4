"""From a signal to an owner with a due date: early-warning indicators, playbooks, tasks,
onboarding progress, the notification outbox and the daily run (``nabd run``)."""
