from django.urls import path

from manchette.comments import views

app_name = "comments"

urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("c/<int:comment_id>/", views.permalink, name="permalink"),
]
