"""Question to answer: query analysis, first-stage rankings, fusion, reranking, sentence selection, refusal."""
