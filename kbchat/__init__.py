"""kbchat: a French knowledge-base chatbot that answers only from its documents, with sources."""
