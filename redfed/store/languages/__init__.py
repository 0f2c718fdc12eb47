"""SQL for the languages of posts (layer 2): the translations cached per post and target language."""
