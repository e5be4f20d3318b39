"""The lookup core: identifiers, the service, the queue worker's engine and the site scrapers."""
