"""The monthly report leadership reads: a closed month's figures against the month before and a year before,
why the headlines moved (by segment, plan, CSM and cohort), in Arabic or English, as HTML or PDF.

Every number comes from nabd.metrics and nabd.health (never recomputed here); this package only chooses,
compares, words and lays them out.
"""
