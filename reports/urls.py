"""Pages of the reports app, mounted at /reports/."""

from django.urls import path

from reports import views

urlpatterns = [
    path("scorecards/", views.ScorecardListView.as_view(), name="scorecard_list"),
    path(
        "scorecards/<uuid:facility_id>/",
        views.ScorecardDetailView.as_view(),
        name="scorecard_detail",
    ),
]
