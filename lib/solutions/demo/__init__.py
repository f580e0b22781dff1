"""Deterministic demo data: fictional countries (ISO 3166-1 user-assigned codes QAA-QZZ) and their configs."""

from solutions.demo.generate import benchmark_frames, write_demo, write_survey_for_benchmark
from solutions.demo.spec import DEMO_COUNTRIES

__all__ = ["DEMO_COUNTRIES", "benchmark_frames", "write_demo", "write_survey_for_benchmark"]
