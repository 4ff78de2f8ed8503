from django.urls import include, path
from rest_framework.routers import SimpleRouter

from laws.api import views

router = SimpleRouter(trailing_slash=True)
router.register("instruments", views.LegalInstrumentViewSet, basename="legalinstrument")
router.register("requirements", views.RequirementViewSet, basename="requirement")
router.register("code-clauses", views.CodeClauseViewSet, basename="codeclause")

urlpatterns = [
    path("check/", views.LawCheckView.as_view(), name="laws-check"),
    path("compare/", views.ComparisonView.as_view(), name="laws-compare"),
    path("", include(router.urls)),
]
