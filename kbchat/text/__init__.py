"""The language layer: French analysis, sentences, acronyms and answer types; imports nothing else of kbchat."""
