"""Scoring and psychometrics: engine, norm look-up and building, reliability, simulation."""
