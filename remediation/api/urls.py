from django.urls import include, path
from rest_framework.routers import SimpleRouter

from remediation.api import views

CAP = r"caps/(?P<cap_pk>[0-9a-f-]{36})"

router = SimpleRouter(trailing_slash=True)
router.register("caps", views.CapViewSet, basename="cap")
router.register(f"{CAP}/root-causes", views.RootCauseViewSet, basename="rootcause")
router.register(f"{CAP}/actions", views.CapActionViewSet, basename="capaction")
router.register(f"{CAP}/evidence", views.EvidenceViewSet, basename="evidence")
router.register(f"{CAP}/comments", views.CommentViewSet, basename="comment")
router.register(f"{CAP}/extensions", views.ExtensionRequestViewSet, basename="extensionrequest")
router.register(f"{CAP}/participants", views.CapParticipantViewSet, basename="capparticipant")
router.register(f"{CAP}/events", views.CapEventViewSet, basename="capevent")

# The consultant directory is routed by hand, without a router basename: it is shared
# on purpose (every brand browses every partner's entry), so it is not one tenant's
# rows for the isolation harness; tests/remediation/test_api.py checks who sees what
# (a partner only its own entry, a brand's notes only that brand).
consultants = views.ConsultantViewSet
urlpatterns = [
    path("consultants/", consultants.as_view({"get": "list"}), name="consultantprofile-list"),
    path(
        "consultants/<uuid:pk>/",
        consultants.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="consultantprofile-detail",
    ),
    path(
        "consultants/<uuid:pk>/note/",
        consultants.as_view({"get": "note", "put": "note"}),
        name="consultantprofile-note",
    ),
    path("", include(router.urls)),
]
