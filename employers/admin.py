from employers import admin_contacts  # noqa: F401 - registers the contact log in the admin
