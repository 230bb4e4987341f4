"""Segment-compatible event intake: /v1/track, identify, group, page, screen and batch, by write key."""
