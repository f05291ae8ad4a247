"""The spine every stage reads: the alliance, its member families and attachments."""
