from django.urls import include, path
from rest_framework.routers import SimpleRouter

from suppliers.api import transfer, views

router = SimpleRouter(trailing_slash=True)
# Registered before "facilities" for readability; the detail routes only take UUIDs, so
# "status-counts" can never be read as a facility id either way.
router.register(
    "facilities/status-counts", views.FacilityStatusCountViewSet, basename="facilitystatuscount"
)
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("relationships", views.RelationshipViewSet, basename="sourcingrelationship")
router.register("exit-plans", views.ExitPlanViewSet, basename="exitplan")
router.register("questionnaires", views.QuestionnaireViewSet, basename="questionnaire")
router.register("screenings", views.ScreeningViewSet, basename="screening")

urlpatterns = [
    path("facilities/import/", transfer.FacilityImportView.as_view(), name="api-facility-import"),
    path("facilities/export/", transfer.FacilityExportView.as_view(), name="api-facility-export"),
    path("", include(router.urls)),
]
