"""Evaluation: metrics (pure), datasets, the runner, the report and the reranker's training."""
