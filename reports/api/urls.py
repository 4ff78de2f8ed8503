from django.urls import include, path
from rest_framework.routers import SimpleRouter

from reports.api import views

router = SimpleRouter(trailing_slash=True)
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")

urlpatterns = [path("", include(router.urls))]
