"""The public side of accreditation: verification pages, the JSON API, keys and status lists."""
