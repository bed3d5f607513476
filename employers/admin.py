from employers.contacts import admin as contacts_admin  # noqa: F401 - registers the contact log in the admin
