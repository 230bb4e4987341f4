"""Reaching the customer: journeys (YAML programmes of e-mails, waits, branches, tasks, webhooks, surveys),
their holdout and measured effect, unsubscribes, exit reasons and the customer-facing onboarding page."""
