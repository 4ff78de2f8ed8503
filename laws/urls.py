from django.urls import path

from laws import views

urlpatterns = [
    path("", views.LibraryIndexView.as_view(), name="laws_index"),
    path("compare/", views.CompareView.as_view(), name="laws_compare"),
    path("check/", views.CheckView.as_view(), name="laws_check"),
    path("requirements/<uuid:pk>/", views.RequirementView.as_view(), name="laws_requirement"),
    path("code/", views.CodeClausesPage.as_view(), name="laws_code"),
    path("code/<uuid:pk>/edit/", views.CodeClauseEditView.as_view(), name="laws_code_edit"),
    path("code/<uuid:pk>/delete/", views.CodeClauseDeleteView.as_view(), name="laws_code_delete"),
]
