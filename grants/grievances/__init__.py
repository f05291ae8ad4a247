"""Grievances (quejas y reclamos): anyone files one, signed in or not; the grievance office answers it.

The reporter's identity and contact are seen only by grievance officers and admins; a grievance never
changes or blocks its alliance (retaliation protection)."""
