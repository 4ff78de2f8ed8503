from django.urls import include, path
from rest_framework.routers import SimpleRouter

from audits.api import views

router = SimpleRouter(trailing_slash=True)
router.register("audits", views.AuditViewSet, basename="audit")
router.register("audit-shares", views.AuditShareViewSet, basename="auditshare")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("observations", views.ObservationViewSet, basename="observation")

urlpatterns = [
    path("severity-policy/", views.SeverityPolicyView.as_view(), name="api-severity-policy"),
    path("", include(router.urls)),
]
