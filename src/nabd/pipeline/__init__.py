"""The pipeline: import -> analyse comments -> score -> onboarding -> indicators -> playbooks -> deliver.

:mod:`~nabd.pipeline.daily` is one run (``nabd run``), :mod:`~nabd.pipeline.imports` an import with
its comment analysis (``nabd import``), :mod:`~nabd.pipeline.schedule` the runs ``nabd serve`` makes
itself, :mod:`~nabd.pipeline.commands` the commands.
"""
