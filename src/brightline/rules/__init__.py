"""The rules engine: packs as data, compiled into fast evaluators, deciding cases."""
