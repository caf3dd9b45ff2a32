"""Configuration, the database and its schema, errors, accounts and tokens, blob storage: what the rest of the server stands on."""
