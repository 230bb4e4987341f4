"""The demo company: a deterministic subscription business generated as import files and loaded
through the real import path (``nabd demo``)."""

from nabd.demo.build import DemoSummary, build_demo, demo_marker
from nabd.demo.generate import GeneratedFile, generate_files

__all__ = ["DemoSummary", "GeneratedFile", "build_demo", "demo_marker", "generate_files"]
