"""From a signal to an owner with a due date: early-warning indicators (and their backtest), playbooks,
tasks, onboarding progress and the notification outbox. The daily run that calls them is nabd.pipeline."""
