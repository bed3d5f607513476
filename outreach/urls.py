from django.urls import path

from outreach import views_staff as staff

app_name = "outreach"

urlpatterns: list = []

# --- Staff pages (advisers and coordinators; the national agenda for AWVN) -------------------
urlpatterns += [
    path("", staff.EventListView.as_view(), name="event-list"),
    path("new/", staff.EventCreateView.as_view(), name="event-create"),
    path("agenda/", staff.AgendaView.as_view(), name="agenda"),
    path("agenda/<int:pk>/confirm/", staff.AgendaConfirmView.as_view(), name="agenda-confirm"),
    path("<int:pk>/", staff.EventDetailView.as_view(), name="event-detail"),
    path("<int:pk>/edit/", staff.EventEditView.as_view(), name="event-edit"),
    path("<int:pk>/publish/", staff.EventPublishView.as_view(), name="event-publish"),
    path("<int:pk>/register-awvn/", staff.EventRegisterAwvnView.as_view(), name="event-register-awvn"),
    path("<int:pk>/cancel/", staff.EventCancelView.as_view(), name="event-cancel"),
    path("<int:pk>/held/", staff.EventMarkHeldView.as_view(), name="event-mark-held"),
    path("<int:pk>/invite/", staff.EventInviteView.as_view(), name="event-invite"),
    path("<int:pk>/checkin/", staff.EventCheckinView.as_view(), name="event-checkin"),
]
