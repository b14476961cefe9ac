"""Optional generated answers: a language model writes from the retrieved passages; its citations are checked."""
