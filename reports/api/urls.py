from django.urls import include, path
from rest_framework.routers import SimpleRouter

from reports.api import views

router = SimpleRouter(trailing_slash=True)
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
router.register("reports", views.ReportRequestViewSet, basename="reportrequest")
router.register("report-branding", views.ReportBrandingViewSet, basename="reportbranding")

urlpatterns = [path("", include(router.urls))]
